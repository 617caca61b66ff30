import { LINK_ERROR_MESSAGES } from '@tandem/protocol';

// French is the product's language; en.ts must have exactly the same keys
// (it is typed as `Messages`, so a missing or extra key fails the type check).
/** « d'Alex », « de Camille »: French elides "de" before a vowel or a mute h. */
const de = (name: string): string =>
  /^[aeiouyhàâäéèêëîïôöûü]/i.test(name) ? `d'${name}` : `de ${name}`;

export const fr = {
  langName: 'Français',
  app: {
    name: 'Tandem',
    tagline: 'Bilan de compétences co-écrit, chiffré de bout en bout',
    language: 'Langue',
    home: 'Mes bilans',
    skipToContent: 'Aller au contenu',
    loading: 'Chargement…',
  },
  errors: {
    storageTitle: 'Le stockage local de ce navigateur est indisponible',
    storageQuota:
      "L'espace de stockage de ce navigateur est plein. Libérez de la place (autres sites, fichiers) puis rechargez la page : rien de ce qui est déjà enregistré n'est perdu.",
    storageUnavailable:
      'Ce navigateur refuse le stockage local (navigation privée, ou stockage désactivé). Tandem en a besoin pour garder votre copie du bilan. Ouvrez Tandem dans une fenêtre normale.',
    storageBlocked:
      'Tandem est ouvert dans un autre onglet qui bloque la mise à jour du stockage. Fermez les autres onglets Tandem puis rechargez.',
    storageUnknown:
      "Le stockage local n'a pas pu être ouvert. Rechargez la page ; si le problème persiste, essayez un autre navigateur.",
    reload: 'Recharger',
    unexpected:
      "Une erreur inattendue s'est produite. Vos modifications déjà enregistrées sont conservées.",
    details: 'Détail technique',
    bilanOpenFailed: "Ce bilan n'a pas pu être ouvert sur cet appareil.",
    bilanMissing: "Ce bilan n'est plus sur cet appareil (il a été retiré ou détruit).",
    codeUnavailable:
      "Une partie de Tandem n'a pas pu être chargée (connexion coupée, ou application mise à jour depuis l'ouverture de cet onglet). Rechargez la page : rien de ce qui est enregistré n'est perdu.",
    dismiss: 'Fermer',
  },
  home: {
    title: 'Bilans sur cet appareil',
    intro:
      "Chaque bilan est synchronisé avec l'autre partie, chiffré de bout en bout, et une copie en est gardée sur cet appareil.",
    newBilan: 'Nouveau bilan',
    empty:
      "Aucun bilan sur cet appareil. Conseiller·ère : créez un bilan. Bénéficiaire : ouvrez le lien d'invitation reçu.",
    beneficiary: 'Bénéficiaire',
    unnamedBeneficiary: 'Bénéficiaire (nom à venir)',
    role: 'Votre rôle',
    roleCounsellor: 'Conseiller·ère',
    roleBeneficiary: 'Bénéficiaire',
    phase: 'Phase',
    hours: 'Heures utilisées',
    lastActivity: 'Dernière activité',
    retention: 'Conservation jusqu’au',
    retentionUnknown: 'Non fixée',
    unknown: '—',
    open: 'Ouvrir',
    openLabel: (name: string) => `Ouvrir le bilan ${de(name)}`,
    remove: 'Retirer de cet appareil',
    removeLabel: (name: string) => `Retirer le bilan ${de(name)} de cet appareil`,
    removeTitle: 'Retirer ce bilan de cet appareil ?',
    removeBody: (name: string) =>
      `La copie locale du bilan ${de(name)} et sa clé seront effacées de cet appareil. L'autre partie garde sa copie. Sans le lien, vous ne pourrez plus rouvrir ce bilan ici.`,
    removeConfirm: 'Retirer définitivement',
    cancel: 'Annuler',
    removed: 'Le bilan a été retiré de cet appareil.',
    removeFailed: "Le bilan n'a pas pu être retiré. Réessayez.",
    listFailed: "La liste des bilans n'a pas pu être lue.",
  },
  lock: {
    open: 'Verrouiller cet appareil',
    openOn: 'Verrou de l’appareil : activé',
    title: 'Verrouiller cet appareil',
    intro:
      'Une phrase de passe, demandée à chaque ouverture de Tandem sur cet appareil, chiffre ce que Tandem garde ici pour ouvrir vos bilans : leurs clés, votre identité de signature et les noms.',
    statusOn:
      'Le verrou est activé : la phrase de passe est demandée à chaque ouverture de Tandem.',
    statusOff: 'Le verrou n’est pas activé sur cet appareil.',
    protectsTitle: 'Ce que le verrou protège',
    protects: [
      'Les clés des bilans : sans la phrase de passe, personne ne peut rejoindre un bilan en direct depuis cet appareil ni y écrire.',
      'Votre identité de signature : personne ne peut signer à votre place (présences, consentements, validation, destruction).',
      'La liste des bilans (noms, phase, heures), les attestations conservées et les copies personnelles.',
    ],
    notProtectsTitle: 'Ce que le verrou ne protège pas',
    notProtects: [
      'Le contenu des bilans déjà enregistré sur cet appareil : la copie locale de chaque bilan (synthèse, plan d’action) reste en clair dans le stockage du navigateur. Quelqu’un qui copie les fichiers du navigateur peut la lire.',
      'Un appareil déverrouillé : une fois la phrase de passe saisie, Tandem reste ouvert jusqu’à ce que vous verrouilliez ou fermiez l’onglet.',
    ],
    contentAdvice:
      'Pour le contenu, comptez sur le chiffrement du disque et le verrouillage de session de votre ordinateur.',
    rule: 'Au moins 12 caractères, dont au moins 5 différents. Quatre ou cinq mots courants conviennent très bien.',
    forgetWarning:
      'Notez-la en lieu sûr. Si vous l’oubliez, les bilans de cet appareil ne pourront plus être ouverts : personne ne peut la retrouver.',
    passphrase: 'Phrase de passe',
    passphraseConfirm: 'Phrase de passe (confirmation)',
    currentPassphrase: 'Phrase de passe actuelle',
    newPassphrase: 'Nouvelle phrase de passe',
    newPassphraseConfirm: 'Nouvelle phrase de passe (confirmation)',
    show: 'Afficher',
    enableTitle: 'Activer le verrou',
    enable: 'Activer le verrou',
    enabled: 'Verrou activé. La phrase de passe sera demandée à la prochaine ouverture de Tandem.',
    lockNowTitle: 'Verrouiller maintenant',
    lockNowHint:
      'Ferme les bilans ouverts et demande la phrase de passe, dans tous les onglets Tandem de ce navigateur.',
    lockNow: 'Verrouiller maintenant',
    changeTitle: 'Changer la phrase de passe',
    change: 'Changer la phrase de passe',
    changed: 'Phrase de passe changée.',
    disableTitle: 'Désactiver le verrou',
    disableHint:
      'Les clés, l’identité et les noms seront de nouveau enregistrés sans chiffrement sur cet appareil.',
    disable: 'Désactiver le verrou',
    disabled: 'Verrou désactivé.',
    working: 'Patientez…',
    tooShort: 'Au moins 12 caractères.',
    tooRepetitive: 'Au moins 5 caractères différents.',
    mismatch: 'Les deux saisies diffèrent.',
    required: 'Saisissez la phrase de passe.',
    wrongCurrent: 'Ce n’est pas la phrase de passe actuelle de cet appareil. Rien n’a été modifié.',
    failed: 'L’opération n’a pas abouti ; rien n’a été modifié. Réessayez.',
    back: 'Retour aux bilans',
    screenTitle: 'Cet appareil est verrouillé',
    screenIntro: 'Saisissez la phrase de passe de cet appareil pour ouvrir vos bilans.',
    linkWaiting: 'Le lien d’invitation que vous avez ouvert le sera après le déverrouillage.',
    unlock: 'Déverrouiller',
    unlocking: 'Déverrouillage…',
    wrong:
      'Cette phrase de passe ne déverrouille pas cet appareil. Vérifiez la saisie (majuscules, accents, espaces) et réessayez.',
    damaged:
      'Les données verrouillées de cet appareil sont endommagées ou ont été modifiées : elles ne peuvent pas être ouvertes.',
    unsupported:
      'Ce verrou a été créé par une version plus récente de Tandem. Rechargez la page pour obtenir la dernière version.',
    forgotten: 'Phrase de passe oubliée ?',
    forgottenBody:
      'Sans la phrase de passe, les bilans de cet appareil ne peuvent plus être ouverts : personne, pas même Tandem, ne peut la retrouver ni la contourner. Les essais ne sont pas limités et rien n’est effacé après une erreur : prenez le temps de réessayer.',
    forgottenReset:
      'Sinon, vous pouvez réinitialiser cet appareil : tout ce que Tandem y garde est effacé (bilans, clés, attestations, copies personnelles). L’autre partie garde sa copie de chaque bilan ; avec un nouveau lien d’invitation, vous pourrez le rejoindre à nouveau.',
    reset: 'Réinitialiser cet appareil',
    resetTitle: 'Effacer toutes les données de Tandem sur cet appareil ?',
    resetBody:
      'Les bilans, leurs clés, les attestations et les copies personnelles gardés sur cet appareil seront effacés définitivement. Ce n’est pas réversible.',
    resetConfirm: 'Tout effacer',
    resetFailed: 'L’effacement n’a pas abouti. Fermez les autres onglets Tandem puis réessayez.',
    cancel: 'Annuler',
  },
  create: {
    title: 'Nouveau bilan',
    intro:
      "Renseignez le bilan. Vous obtiendrez ensuite le lien d'invitation à transmettre au/à la bénéficiaire.",
    counsellorName: 'Votre nom (conseiller·ère)',
    beneficiaryName: 'Nom du/de la bénéficiaire',
    hourCap: 'Durée contractuelle (heures)',
    hourCapHint: '24 heures au maximum, selon la convention.',
    conventionDate: 'Date de la convention',
    defaultMode: 'Modalité habituelle des séances',
    submit: 'Créer le bilan',
    creating: 'Création…',
    cancel: 'Annuler',
    required: 'Ce champ est obligatoire.',
    capRange: (max: number) => `Indiquez une durée entre 1 et ${max} heures.`,
    failed: "Le bilan n'a pas pu être créé. Rien n'a été envoyé ; réessayez.",
  },
  modes: {
    presentiel: 'Présentiel',
    distanciel: 'Distanciel',
  },
  invite: {
    title: 'Inviter le/la bénéficiaire',
    body: (name: string) =>
      `Transmettez ce lien à ${name} par un canal de confiance (en main propre, messagerie sécurisée). Il contient la clé du bilan : toute personne qui le possède peut lire le bilan.`,
    linkLabel: "Lien d'invitation",
    copy: 'Copier le lien',
    copied: 'Lien copié dans le presse-papiers.',
    copyFailed: 'La copie a échoué : sélectionnez le lien et copiez-le manuellement.',
    qr: "QR code du lien d'invitation, à scanner avec le téléphone du/de la bénéficiaire",
    show: 'Inviter',
    hide: "Masquer l'invitation",
    failed: "Le lien d'invitation n'a pas pu être préparé.",
  },
  join: {
    title: 'Invitation à un bilan de compétences',
    invitedBy: (name: string) =>
      `${name} vous invite à réaliser votre bilan de compétences avec Tandem.`,
    waitingInviter:
      "Votre conseiller·ère n'est pas encore connecté·e. Vous pouvez lire ces informations en attendant ; son nom s'affichera dès la connexion.",
    dataTitle: 'Ce que Tandem fait de vos données',
    dataE2e:
      'Tout ce que vous écrivez est chiffré de bout en bout : seuls votre conseiller·ère et vous pouvez le lire. Le relais qui transmet les messages ne voit que des données illisibles et ne conserve rien.',
    dataLocal:
      'Une copie chiffrée du bilan est gardée sur chacun de vos deux appareils, pour travailler même hors ligne.',
    dataRecipient:
      "Vous êtes seul·e destinataire des résultats et de la synthèse. Rien n'est transmis à un tiers (employeur, financeur) sans votre accord écrit.",
    dataRetention:
      "À la fin du bilan, les documents de travail sont détruits côté prestataire ; la synthèse n'est conservée (3 ans au plus) qu'avec votre accord. Votre propre copie vous appartient.",
    dataVoluntary: 'Votre participation est volontaire : refuser n’est jamais une faute.',
    name: 'Votre nom',
    nameHint: 'Tel que vous souhaitez le voir apparaître dans le bilan.',
    accept: "J'accepte et je rejoins le bilan",
    joining: 'Connexion au bilan…',
    joiningWaiting:
      'Votre accord est noté. Vous rejoindrez le bilan dès que votre conseiller·ère sera connecté·e.',
    alreadyJoined:
      "Ce bilan a déjà été rejoint depuis un autre appareil. Demandez à votre conseiller·ère de vérifier l'invitation.",
    decline: 'Ne pas rejoindre',
    declined: "Vous n'avez pas rejoint le bilan ; il a été retiré de cet appareil.",
    failed: "Vous n'avez pas pu rejoindre le bilan. Réessayez.",
    badLinkTitle: 'Ce lien ne peut pas être ouvert',
    back: 'Retour à mes bilans',
  },
  linkErrors: {
    empty: LINK_ERROR_MESSAGES.empty.fr,
    'unknown-scheme': LINK_ERROR_MESSAGES['unknown-scheme'].fr,
    'unknown-version': LINK_ERROR_MESSAGES['unknown-version'].fr,
    'bad-base64': LINK_ERROR_MESSAGES['bad-base64'].fr,
    truncated: LINK_ERROR_MESSAGES.truncated.fr,
    'too-long': LINK_ERROR_MESSAGES['too-long'].fr,
    'checksum-mismatch': LINK_ERROR_MESSAGES['checksum-mismatch'].fr,
    'bad-role': LINK_ERROR_MESSAGES['bad-role'].fr,
    revoked:
      "Ce lien a été remplacé : la clé de ce bilan a changé. Ouvrez le bilan depuis l'accueil, ou demandez le nouveau lien au conseiller.",
  },
  phases: {
    label: 'Phase du bilan',
    preliminaire: 'Préliminaire',
    investigation: 'Investigation',
    conclusion: 'Conclusion',
    preliminaireHelp:
      'Analyser la demande et les besoins, présenter la méthode, formaliser les objectifs de départ.',
    investigationHelp:
      'Explorer valeurs, intérêts, motivations, compétences ; confronter les pistes au marché du travail.',
    conclusionHelp:
      "Restituer les résultats, construire le projet et le plan d'action, co-écrire la synthèse.",
    changed: (phase: string) => `Phase : ${phase}.`,
    whatFor: 'À quoi sert chaque phase ?',
    rule: "Le/la conseiller·ère fait avancer le bilan d'une phase à la fois et peut revenir à une phase précédente.",
    purposes: {
      'analyse-request': 'Analyser la demande et les besoins',
      'inform-method': 'Informer sur la méthode et le déroulement',
      'initial-objectives': 'Formaliser les objectifs de départ (signés par les deux parties)',
      'values-interests-motivations': 'Explorer valeurs, intérêts et motivations',
      'competences-aptitudes': 'Identifier compétences et aptitudes',
      'transferable-skills': 'Repérer les compétences transférables',
      'explore-options': 'Explorer les pistes possibles',
      'labour-market':
        'Confronter les projets au marché du travail (métiers, formations, professionnels)',
      'alternative-project': 'Envisager un projet alternatif',
      restitution: 'Restituer les résultats détaillés',
      'project-strengths-vigilance': "Construire le projet : points d'appui et points de vigilance",
      'action-plan': "Établir le plan d'action",
      synthesis: 'Co-écrire la synthèse',
      'follow-up': 'Prévoir le suivi (entretien à 6 mois)',
    },
    errors: {
      'not-initialised': "Le bilan n'est pas encore prêt.",
      'unknown-device': "Cet appareil n'est pas reconnu comme partie du bilan.",
      'not-allowed': 'Seul·e le/la conseiller·ère peut changer de phase.',
      'same-phase': 'Le bilan est déjà dans cette phase.',
      'skips-a-phase': "On avance d'une phase à la fois.",
      'unknown-phase': 'Phase inconnue.',
      ended: 'Le bilan est terminé : la phase ne change plus.',
    },
  },
  connection: {
    label: 'Connexion',
    connecting: 'Connexion…',
    p2p: 'Direct (pair à pair)',
    relay: 'Via le relais chiffré',
    offline: 'Hors ligne',
    offlineHelp:
      'Vos modifications sont enregistrées sur cet appareil et seront envoyées dès le retour de la connexion.',
    relayUnreachable:
      'Le relais est injoignable. Vous pouvez continuer : tout est enregistré sur cet appareil et sera synchronisé à la reconnexion.',
    rejected: (count: number) =>
      `${count} message${count > 1 ? 's' : ''} reçu${count > 1 ? 's' : ''} illisible${count > 1 ? 's' : ''} ${count > 1 ? 'ont' : 'a'} été ignoré${count > 1 ? 's' : ''}.`,
    storageFailed:
      "La copie locale ne peut pas être enregistrée sur cet appareil. Gardez cet onglet ouvert : vos modifications sont envoyées à l'autre partie tant que la connexion est active.",
  },
  presence: {
    label: 'Présence',
    you: 'Vous',
    online: (name: string) => `${name} est en ligne`,
    offline: (name: string) => `${name} est hors ligne`,
    waitingFor: 'En attente du/de la bénéficiaire',
    other: "L'autre partie",
  },
  unknownDevice: {
    title: 'Appareil inconnu dans ce bilan',
    body: (fingerprint: string) =>
      `Un appareil qui n'est ni le vôtre ni celui de l'autre partie a accès à ce bilan (empreinte ${fingerprint}). Si ce n'est pas un appareil que vous utilisez tous les deux, le lien a peut-être été transmis à un tiers : prévenez l'autre partie.`,
    named: (name: string) => `Il se présente sous le nom « ${name} ».`,
    excluded: (fingerprint: string) =>
      `Appareil exclu (empreinte ${fingerprint}) : il n'a plus accès depuis le changement de clé. Le texte qu'il avait écrit reste surligné dans la synthèse ; supprimez-le si besoin.`,
    present: 'Il est connecté en ce moment.',
    wrote: 'Il a écrit dans le bilan : son texte est surligné dans la synthèse.',
    exclude: 'Exclure cet appareil (changer la clé)…',
    askCounsellor: "Seul le conseiller peut l'exclure, en changeant la clé du bilan : prévenez-le.",
  },
  admission: {
    unverified: 'auteur non vérifié',
    highlight: (label: string) => `Texte d'un appareil inconnu (${label})`,
    devicesTitle: 'Appareils et empreintes',
    devicesHelp:
      "Comparez ces codes de vive voix avec l'autre partie, par exemple pendant la visio. S'ils diffèrent, un autre appareil se fait passer pour elle : ne continuez pas et changez la clé.",
    ownDevice: 'Votre appareil',
    counsellorDevice: 'Appareil du conseiller',
    beneficiaryDevice: 'Appareil du bénéficiaire',
    notYet: 'pas encore connu',
    rotate: 'Changer la clé du bilan…',
    rotateTitle: 'Changer la clé du bilan ?',
    rotateBody:
      "Une nouvelle clé est créée et transmise uniquement à votre appareil et à celui du bénéficiaire, qui la reçoit automatiquement dès qu'il est en ligne. L'ancien lien cesse de fonctionner. Un appareil exclu garde ce qu'il a déjà reçu, mais ne reçoit plus rien.",
    rotateNoBeneficiary:
      "Le bénéficiaire n'a pas encore rejoint le bilan : après le changement, envoyez-lui le nouveau lien d'invitation.",
    rotateConfirm: 'Changer la clé',
    cancel: 'Annuler',
    rotating: 'Changement de la clé…',
    rotated:
      "Nouvelle clé en place. L'ancien lien ne fonctionne plus ; l'appareil du bénéficiaire reçoit la nouvelle clé dès qu'il est en ligne.",
    keyChanged:
      "Le conseiller a changé la clé de ce bilan. Vous continuez normalement ; l'ancien lien ne fonctionne plus.",
    rotateFailed: "La clé n'a pas pu être changée. Rien n'a été perdu : réessayez.",
    conflictTitle: "La clé d'une partie a été modifiée dans le document",
    conflictBody: (party: string, trusted: string, stated: string | null) =>
      `Le document indique pour ${party} une autre clé (${stated ?? 'aucune'}) que celle que cet appareil connaît (${trusted}). Tandem continue de se fier à la clé connue ; les signatures de l'autre clé sont refusées. Quelqu'un qui détient le lien tente peut-être de se faire passer pour cette partie.`,
    partyCounsellor: 'le conseiller',
    partyBeneficiary: 'le bénéficiaire',
    rejectedRotations: (count: number) =>
      count === 1
        ? 'Un changement de clé a été refusé : sa signature ne correspond pas au conseiller.'
        : `${count} changements de clé ont été refusés : leur signature ne correspond pas au conseiller.`,
    revokedTitle: 'Cet appareil n’a plus accès à ce bilan',
    revokedBody:
      "Le conseiller a changé la clé de ce bilan, et cet appareil n'en fait plus partie. Ce qu'il avait déjà reçu y reste jusqu'à ce que vous le supprimiez. Si vous êtes l'une des deux parties, demandez un nouveau lien au conseiller.",
    revokedForget: 'Supprimer ce bilan de cet appareil',
    revokedBack: "Retour à l'accueil",
  },
  workspace: {
    title: (name: string) => `Bilan ${de(name)}`,
    ownTitle: 'Mon bilan de compétences',
    untitled: 'Bilan de compétences',
    tabs: 'Parties du bilan',
    synthesis: 'Synthèse',
    actionPlan: "Plan d'action",
    opening: 'Ouverture du bilan…',
    hoursUsed: (used: string, cap: string) => `${used} / ${cap}`,
    hoursLabel: 'Heures utilisées',
    counsellor: 'Conseiller·ère',
    beneficiary: 'Bénéficiaire',
  },
  synthesis: {
    title: 'Document de synthèse',
    confidential:
      "Document confidentiel : il n'est remis qu'au/à la bénéficiaire, seul·e destinataire, et ne peut être communiqué à un tiers qu'avec son accord.",
    sections: {
      circonstances: 'Circonstances du bilan',
      competences: 'Compétences et aptitudes',
      projet: 'Projet',
    },
    hints: {
      circonstances: 'Origine de la demande, objectifs, conditions de déroulement du bilan.',
      competences:
        'Savoirs, savoir-faire, savoir-être et aptitudes au regard des pistes envisagées ; points forts et points de vigilance.',
      projet:
        'Projet professionnel (et de formation), projet alternatif, principales étapes de mise en œuvre.',
    },
    words: (count: number) => `${count} mot${count > 1 ? 's' : ''}`,
    totalWords: (count: number) => `Total : ${count} mot${count > 1 ? 's' : ''}`,
    loadingEditor: "Chargement de l'éditeur…",
    editorFailed:
      "L'éditeur n'a pas pu se charger (connexion interrompue ?). Rechargez la page : le contenu du bilan est conservé.",
    toolbar: 'Mise en forme',
    bold: 'Gras',
    italic: 'Italique',
    block: 'Style de paragraphe',
    paragraph: 'Paragraphe',
    heading3: 'Titre',
    heading4: 'Sous-titre',
    bulletList: 'Liste à puces',
    orderedList: 'Liste numérotée',
    link: 'Lien',
    linkPrompt: 'Adresse du lien (site ou e-mail)',
    linkApply: 'Appliquer',
    linkRemove: 'Retirer le lien',
    linkCancel: 'Annuler',
    linkEmpty: 'Saisissez une adresse.',
    linkScheme: 'Seuls les liens web (https) et e-mail sont acceptés.',
    linkInvalid: "Cette adresse n'est pas valide.",
    undo: 'Annuler ma dernière modification',
    redo: 'Rétablir',
    editingSection: 'Section en cours de modification',
  },
  observations: {
    failed: "L'observation n'a pas pu être enregistrée.",
    title: 'Observations du/de la bénéficiaire',
    intro:
      'Le/la bénéficiaire consigne ici ses remarques sur la synthèse avant sa version finale. Elles sont conservées à côté de la synthèse.',
    counsellorIntro:
      'Remarques du/de la bénéficiaire sur la synthèse. Seul·e le/la bénéficiaire peut les rédiger.',
    empty: 'Aucune observation pour le moment.',
    section: 'Section concernée',
    general: 'Synthèse en général',
    text: 'Votre observation',
    add: "Ajouter l'observation",
    edit: 'Modifier',
    save: 'Enregistrer',
    cancel: 'Annuler',
    remove: 'Supprimer',
    removeLabel: (n: number) => `Supprimer l'observation ${n}`,
    editLabel: (n: number) => `Modifier l'observation ${n}`,
    edited: 'modifiée',
    required: 'Écrivez votre observation avant de l’ajouter.',
  },
  actionPlan: {
    title: "Plan d'action",
    intro:
      "Les étapes concrètes du projet, co-écrites. Il servira de base à l'entretien de suivi à 6 mois.",
    empty: "Aucune action pour l'instant.",
    add: 'Ajouter une action',
    row: (n: number) => `Action ${n}`,
    objective: 'Objectif',
    action: 'Action',
    deadline: 'Échéance',
    resources: 'Ressources',
    resourcesHint: 'Formation, documents, personnes à contacter…',
    contact: 'Contact / responsable',
    indicator: 'Indicateur de réussite',
    status: 'Statut',
    project: 'Projet',
    statuses: {
      a_faire: 'À faire',
      en_cours: 'En cours',
      fait: 'Fait',
      abandonne: 'Abandonné',
    },
    funding: 'Financement',
    fundingSources: {
      cpf: 'CPF',
      'transitions-pro': 'Transitions Pro',
      'france-travail': 'France Travail',
      employer: 'Employeur',
      vae: 'VAE',
      other: 'Autre',
    },
    projects: {
      main: 'Projet principal',
      alternative: 'Projet alternatif',
    },
    moveUp: (n: number) => `Monter l'action ${n}`,
    moveDown: (n: number) => `Descendre l'action ${n}`,
    remove: (n: number) => `Supprimer l'action ${n}`,
    removeConfirm: (n: number) => `Supprimer l'action ${n} pour les deux parties ?`,
    confirm: 'Supprimer',
    cancel: 'Annuler',
    moved: (n: number) => `Action déplacée en position ${n}.`,
    removed: 'Action supprimée.',
    added: 'Action ajoutée.',
    keyboardHint: 'Alt + ↑ / ↓ dans une action pour la déplacer.',
  },
  // --- Issue 7: sessions, hour cap, attendance, evidence --------------------------------
  session: {
    tab: 'Séances et heures',
    region: 'Séance et heures du bilan',
    mode: 'Modalité',
    phase: 'Phase',
    start: 'Démarrer la séance',
    stop: 'Arrêter la séance',
    running: 'Séance en cours',
    idle: 'Pas de séance en cours',
    elapsed: 'Durée de la séance en cours',
    startedBy: (name: string) => `démarrée par ${name}`,
    used: 'Heures utilisées',
    usedOf: (used: string, cap: string) => `${used} sur ${cap}`,
    remaining: (left: string) => `Reste ${left}`,
    warning: (passed: string, cap: string) =>
      `Le temps utilisé a atteint ${passed}, sur ${cap} prévues pour le bilan. Pensez à préparer la conclusion.`,
    capReachedTitle: 'Durée prévue atteinte',
    capReached: (cap: string) =>
      `La durée prévue pour ce bilan (${cap}) est entièrement utilisée : aucune nouvelle séance ne peut démarrer.`,
    capStoppedAt: (time: string) =>
      `La séance en cours a été arrêtée automatiquement à ${time}, sur les deux appareils.`,
    capWhy:
      "La durée d'un bilan de compétences est limitée : 24 heures au plus, ou la durée prévue par la convention.",
    capCounsellor:
      'Si la convention le permet, vous pouvez modifier la durée contractuelle dans l’onglet « Séances et heures ».',
    capBeneficiary: 'Pour toute question, parlez-en avec votre conseiller·ère.',
    blocked: {
      'no-beneficiary':
        'Les séances pourront démarrer quand le/la bénéficiaire aura rejoint le bilan.',
      ended: 'Le bilan est terminé : aucune nouvelle séance.',
      'already-running': 'Une séance est déjà en cours.',
      'cap-reached': 'La durée prévue du bilan est atteinte.',
      'invalid-time': "L'horloge de cet appareil semble déréglée : vérifiez la date et l'heure.",
      'invalid-mode': 'Choisissez la modalité de la séance.',
      'not-initialised': "Le bilan n'est pas encore prêt.",
      'unknown-device': "Cet appareil n'est pas reconnu comme partie du bilan.",
      'not-allowed': 'Vous ne pouvez pas démarrer de séance.',
    },
    started: 'Séance démarrée.',
    stopped: 'Séance arrêtée.',
    stopFailed: "La séance n'a pas pu être arrêtée. Réessayez.",
    distancielTitle: 'Séance à distance : confidentialité',
    distancielBody:
      "Avant de commencer, chacun·e doit être seul·e, dans une pièce fermée, sans personne qui puisse voir ou entendre. Rien n'est enregistré. L'autre partie reçoit le même rappel.",
    distancielConfirm: 'Nous sommes seul·es, démarrer',
    cancel: 'Annuler',
    distancielNotice: (who: string) =>
      `${who} a démarré une séance à distance. Assurez-vous d'être seul·e, dans une pièce fermée. Rien n'est enregistré.`,
    otherParty: {
      counsellor: 'Votre conseiller·ère',
      beneficiary: 'Le/la bénéficiaire',
    },
    dismiss: "J'ai compris",
    breakdownTitle: 'Répartition du temps utilisé',
    byPhase: 'Par phase',
    byMode: 'Par modalité',
    certified: 'Temps certifié (séances non contestées)',
    signingFailed:
      "La signature de l'émargement n'a pas pu être enregistrée sur cet appareil. Elle sera retentée.",
  },
  hoursSettings: {
    title: 'Durée du bilan',
    cap: 'Durée contractuelle',
    capHint: 'Selon la convention ; 24 heures au plus.',
    hours: 'Heures',
    minutes: 'Minutes',
    save: 'Enregistrer la durée',
    saved: (cap: string) => `Durée contractuelle enregistrée : ${cap}.`,
    range: 'Indiquez une durée entre 1 minute et 24 heures.',
    belowUsed:
      'Cette durée est inférieure ou égale au temps déjà utilisé : aucune nouvelle séance ne pourra démarrer.',
    warnings: 'Avertissements avant la limite',
    warningsNow: (list: string) =>
      `Un avertissement s'affiche quand le temps utilisé atteint : ${list}.`,
    warningsDefault:
      'Par défaut : à 20 h et 23 h pour un bilan de 24 h, proportionnellement pour une durée plus courte.',
    customiseWarnings: 'Personnaliser les avertissements',
    firstWarning: 'Premier avertissement à',
    secondWarning: 'Second avertissement à',
    saveWarnings: 'Enregistrer les avertissements',
    resetWarnings: 'Avertissements par défaut',
    warningsSaved: 'Avertissements enregistrés.',
    warningsReset: 'Avertissements par défaut rétablis.',
    warningsInvalid:
      'Chaque avertissement doit être compris entre 1 minute et la durée contractuelle, et les deux doivent différer.',
    none: 'aucun',
    readOnly: (cap: string) =>
      `Durée contractuelle : ${cap}. Elle est réglée par le/la conseiller·ère.`,
    errors: {
      'not-initialised': "Le bilan n'est pas encore prêt.",
      'unknown-device': "Cet appareil n'est pas reconnu comme partie du bilan.",
      'not-allowed': 'Seul·e le/la conseiller·ère peut modifier ce réglage.',
      'invalid-value': 'Valeur refusée.',
      ended: 'Le bilan est terminé : ce réglage ne change plus.',
    },
  },
  attendance: {
    title: 'Émargement',
    intro:
      "À la fin de chaque séance, l'appareil de chaque partie signe la séance (date, horaires, phase, modalité) et l'autre appareil vérifie la signature. Une séance modifiée après signature, ou signée par une clé inconnue, est signalée et exclue du temps certifié.",
    settling:
      'Les signatures sont apposées automatiquement quelques secondes après la fin de la séance.',
    empty: 'Aucune séance pour le moment.',
    caption: 'Séances du bilan et leur émargement',
    columns: {
      date: 'Date',
      time: 'Horaires',
      duration: 'Durée comptée',
      phase: 'Phase',
      mode: 'Modalité',
      counsellor: 'Conseiller·ère',
      beneficiary: 'Bénéficiaire',
      state: 'État',
    },
    range: (from: string, to: string) => `${from} – ${to}`,
    partyStatus: (party: string, status: string) => `${party} : ${status}`,
    signature: {
      missing: 'En attente',
      valid: 'Signée',
      mismatch: 'Modifiée après signature',
      forged: 'Signature invalide',
      'unknown-key': 'Clé inconnue',
      'wrong-bilan': "Signature d'un autre bilan",
      malformed: 'Illisible',
    },
    states: {
      running: 'En cours',
      pending: "En attente d'émargement",
      partial: 'Émargée par une partie',
      signed: 'Émargée par les deux parties',
      flagged: 'Contestée : exclue du temps certifié',
    },
    timedOut: 'Close au dernier signal de présence',
    resign: 'Signer la version actuelle',
    resignHint:
      'Cette séance a changé depuis votre signature (par exemple, un arrêt fait sur l’autre appareil est arrivé plus tard). Vérifiez ses horaires, puis signez-la à nouveau.',
    resigned: 'Séance signée à nouveau.',
    resignFailed: "La séance n'a pas pu être signée. Réessayez.",
    flaggedAlert: (n: number) =>
      n > 1
        ? `${n} séances ont une signature qui ne correspond pas (modifiées après signature, clé inconnue ou signature invalide) : elles sont exclues du temps certifié.`
        : 'Une séance a une signature qui ne correspond pas (modifiée après signature, clé inconnue ou signature invalide) : elle est exclue du temps certifié.',
  },
  evidence: {
    title: 'Justificatifs pour le prestataire',
    intro:
      "Certificat de réalisation et feuille d'émargement, en PDF : parties, dates, durée de chaque séance et total. Aucun contenu du bilan (synthèse, plan d'action, observations). Ces justificatifs restent sur cet appareil après la destruction du bilan.",
    export: 'Télécharger le certificat et l’émargement (PDF)',
    exporting: 'Préparation du PDF…',
    exported: 'PDF téléchargé.',
    saved: (date: string) => `Justificatifs enregistrés sur cet appareil (${date}).`,
    notSaved:
      'Les justificatifs seront enregistrés sur cet appareil à la fin de la première séance.',
    saveFailed:
      "Les justificatifs n'ont pas pu être enregistrés sur cet appareil. Téléchargez le PDF pour les garder.",
    unsigned: (n: number) =>
      n > 1
        ? `${n} séances ne sont pas encore émargées par les deux parties.`
        : "Une séance n'est pas encore émargée par les deux parties.",
    errors: {
      missing: 'Aucun justificatif enregistré pour ce bilan sur cet appareil.',
      unreadable: 'Les justificatifs enregistrés sur cet appareil sont illisibles.',
      storage: 'Le stockage local de cet appareil est indisponible.',
      render: "Le PDF n'a pas pu être créé. Réessayez.",
      load: "Le module PDF n'a pas pu être chargé (Tandem a peut-être été mis à jour) : rechargez la page, puis réessayez.",
    },
  },
  evidencePdf: {
    documentTitle: 'Certificat de réalisation et feuille d’émargement – bilan de compétences',
    title: 'Certificat de réalisation',
    subtitle: 'Bilan de compétences (article L6313-4 du Code du travail)',
    beneficiary: 'Bénéficiaire',
    counsellor: 'Conseiller·ère référent·e',
    reference: 'Référence du bilan',
    convention: 'Date de la convention',
    notSet: 'Non renseignée',
    notJoined: 'Bénéficiaire (pas encore connecté·e)',
    period: 'Période de réalisation',
    periodRange: (from: string, to: string) => (from === to ? `le ${from}` : `du ${from} au ${to}`),
    noSession: 'Aucune séance réalisée',
    contracted: 'Durée contractuelle',
    realised: 'Durée réalisée',
    sessions: 'Séances',
    sessionsCount: (n: number, signed: number) =>
      `${n} séance${n > 1 ? 's' : ''}, dont ${signed} émargée${signed > 1 ? 's' : ''} par les deux parties`,
    endedLabel: 'Fin du bilan',
    breakdown: 'Répartition de la durée réalisée',
    byPhase: 'Par phase',
    byMode: 'Par modalité',
    flaggedSummary: (n: number) =>
      `${n} séance${n > 1 ? 's' : ''} dont la signature ne correspond pas ${n > 1 ? 'sont exclues' : 'est exclue'} de la durée réalisée (voir la feuille d'émargement).`,
    attestation: (counsellor: string, beneficiary: string, total: string) =>
      `Je soussigné·e, ${counsellor}, conseiller·ère référent·e, atteste ${/^[aeiouyhàâäéèêëîïôöûü]/i.test(beneficiary) ? `qu'${beneficiary}` : `que ${beneficiary}`} a réalisé le bilan de compétences référencé ci-dessus, pour une durée totale de ${total}, selon la feuille d'émargement jointe.`,
    issued: (date: string) => `Établi le ${date}.`,
    counsellorSignature: (name: string) => `Signature du/de la conseiller·ère (${name})`,
    providerSignature: "Signature et cachet de l'organisme prestataire",
    noContent:
      "Ce document ne contient aucun élément du contenu du bilan (synthèse, plan d'action, observations), qui reste confidentiel.",
    sheetTitle: "Feuille d'émargement",
    sheetParties: (beneficiary: string, counsellor: string) =>
      `Bénéficiaire : ${beneficiary} · Conseiller·ère : ${counsellor}`,
    timesNote: "Heures locales de l'appareil ayant établi ce document.",
    columns: {
      index: 'N°',
      date: 'Date',
      start: 'Début',
      end: 'Fin',
      duration: 'Durée',
      phase: 'Phase',
      mode: 'Modalité',
      counsellor: 'Conseiller·ère',
      beneficiary: 'Bénéficiaire',
    },
    signature: {
      missing: 'Non signée',
      valid: 'Signée',
      mismatch: 'Modifiée après signature',
      forged: 'Signature invalide',
      'unknown-key': 'Clé inconnue',
      'wrong-bilan': 'Autre bilan',
      malformed: 'Illisible',
    },
    excluded: 'Exclue',
    total: 'Total réalisé',
    flaggedNote:
      'Séance « Exclue » : une signature ne correspond pas à la séance (modifiée après signature, clé inconnue ou signature invalide) ; sa durée n’est pas comptée.',
    timedOutNote:
      '* Séance close au dernier signal de présence des appareils (connexion perdue) : seule la durée attestée est comptée.',
    signaturesNote:
      "Chaque partie émarge chaque séance avec la clé de son appareil : signature électronique (Ed25519) portant sur le bilan, la séance, ses horaires, sa phase et sa modalité. Les signatures ont été vérifiées à l'établissement de ce document.",
    keys: (counsellor: string, beneficiary: string) =>
      `Empreintes des clés – conseiller·ère : ${counsellor} ; bénéficiaire : ${beneficiary}.`,
    footer: (bilanId: string) => `Tandem · bilan ${bilanId}`,
    page: (n: number, total: number) => `Page ${n} / ${total}`,
  },
  // --- Issue 8: closure (validation, consents, exports, satisfaction, destroy, retention) ---
  closure: {
    tab: 'Clôture',
    title: 'Clôture du bilan',
    intro:
      'Validation de la synthèse, consentements, exports pour le/la bénéficiaire, questionnaires de satisfaction et destruction des documents de travail.',
    validation: {
      title: 'Validation de la synthèse',
      none: 'Version de travail : la synthèse n’est pas encore validée.',
      valid: (date: string) => `Version finale, validée par le/la bénéficiaire le ${date}.`,
      stale: (date: string) =>
        `Modifiée depuis la validation du ${date} : elle n’est plus finale. Le/la bénéficiaire doit la valider de nouveau.`,
      badgeNone: 'Synthèse : version de travail',
      badgeValid: 'Synthèse validée (version finale)',
      badgeStale: 'Synthèse modifiée depuis sa validation',
      beneficiaryHint:
        'Relisez la synthèse et consignez vos observations avant de la valider. Votre validation est signée par votre appareil ; toute modification ultérieure la retire.',
      counsellorHint:
        'Seul·e le/la bénéficiaire peut valider la synthèse, après ses observations, en phase de conclusion.',
      validate: 'Je valide la synthèse (version finale)',
      validated: 'Synthèse validée.',
      errors: {
        'not-conclusion': 'La synthèse se valide en phase de conclusion.',
        'empty-synthesis': 'La synthèse est vide.',
        other: 'La validation n’a pas pu être enregistrée.',
      },
      forged: (n: number) =>
        `${n} validation(s) non vérifiée(s) ont été ignorées (signature invalide ou appareil inconnu).`,
    },
    end: {
      title: 'Fin du bilan',
      running: 'Le bilan est en cours.',
      ended: (date: string) => `Bilan terminé le ${date}.`,
      followUp: (date: string) => `Entretien de suivi (à 6 mois) : vers le ${date}.`,
      retention: (date: string) =>
        `Les documents partagés seront détruits sur les deux appareils le ${date}.`,
      retentionNow:
        'Sans consentement de conservation, les documents partagés sont détruits dès la fin du bilan.',
      reason: 'Motif',
      reasons: { completed: 'Bilan mené à son terme', abandoned: 'Arrêt avant le terme' },
      endButton: 'Terminer le bilan',
      confirmTitle: 'Terminer le bilan ?',
      confirmBody:
        'La fin du bilan lance le délai de conservation. Sans consentement de conservation du/de la bénéficiaire, les documents partagés seront détruits aussitôt sur les deux appareils : proposez d’abord les exports.',
      confirm: 'Terminer le bilan',
      cancel: 'Annuler',
      errors: {
        'session-running': 'Arrêtez d’abord la séance en cours.',
        'not-conclusion': 'Un bilan mené à son terme se termine en phase de conclusion.',
        other: 'La fin du bilan n’a pas pu être enregistrée.',
      },
    },
    consents: {
      title: 'Consentements du/de la bénéficiaire',
      intro:
        'Chaque consentement est signé par l’appareil du/de la bénéficiaire, visible des deux parties et révocable à tout moment.',
      empty: 'Aucun consentement donné.',
      retentionTitle: 'Conservation par le prestataire',
      retentionHelp:
        'J’accepte que la synthèse et les documents utiles au suivi soient conservés côté prestataire jusqu’à la date choisie (au plus 3 ans après la fin du bilan), puis détruits.',
      retentionDeadline: 'Conserver jusqu’au',
      retentionGrant: 'Je consens à cette conservation',
      shareTitle: 'Partage avec un tiers',
      shareHelp:
        'La synthèse ne parvient à un tiers (employeur, financeur, opérateur CEP…) qu’avec votre accord explicite. Nommez le destinataire.',
      thirdParty: 'Destinataire (nom et organisme)',
      shareGrant: 'Je consens à ce partage',
      topics: {
        retention: 'Conservation côté prestataire',
        'third-party-sharing': 'Partage avec un tiers',
        assessment: 'Test ou questionnaire',
      },
      active: 'En vigueur',
      revoked: 'Révoqué',
      lapsed: 'Échu',
      until: (date: string) => `jusqu’au ${date}`,
      signedOn: (date: string) => `signé le ${date}`,
      revoke: 'Révoquer',
      revokeLabel: (what: string) => `Révoquer : ${what}`,
      regrant: 'Consentir de nouveau',
      counsellorNote: 'Seul·e le/la bénéficiaire peut donner ou révoquer un consentement.',
      errors: {
        'invalid-deadline': 'Choisissez une date à venir, dans la limite autorisée.',
        'third-party-required': 'Indiquez le destinataire.',
        'invalid-third-party': 'Le nom du destinataire est trop long.',
        other: 'Le consentement n’a pas pu être enregistré.',
      },
      forged: (n: number) =>
        `${n} décision(s) de consentement non vérifiée(s) ont été ignorées (signature invalide ou appareil inconnu).`,
    },
    exports: {
      title: 'Exports',
      beneficiaryIntro:
        'Vos documents, pour vous : ils ne quittent cet appareil que si vous les téléchargez.',
      counsellorIntro:
        'La synthèse et le plan d’action sont remis au/à la seul·e bénéficiaire : les exports du contenu se font de son côté.',
      notFinal:
        'La synthèse n’est pas validée : les exports porteront la mention « version de travail ».',
      pdf: 'PDF imprimable',
      docx: 'Document Word (.docx)',
      markdown: 'Texte (Markdown)',
      ics: 'Rappel de l’entretien de suivi (.ics)',
      icsUnavailable: 'Le rappel de l’entretien de suivi est disponible une fois le bilan terminé.',
      backupTitle: 'Sauvegarde chiffrée',
      backupHelp:
        'Un fichier .tandem chiffré par une phrase de passe que vous choisissez, que Tandem sait réimporter sur n’importe quel appareil. Sans la phrase de passe, personne ne peut l’ouvrir : notez-la.',
      passphrase: 'Phrase de passe',
      passphraseConfirm: 'Phrase de passe (confirmation)',
      passphraseShort: 'Au moins 10 caractères.',
      passphraseMismatch: 'Les deux saisies diffèrent.',
      backupCreate: 'Créer la sauvegarde',
      working: 'Préparation du fichier…',
      done: (name: string) => `Fichier prêt : ${name}`,
      failed: 'L’export a échoué. Rien n’a été perdu ; réessayez.',
      icsSummary: 'Entretien de suivi du bilan de compétences',
      icsDescription: (counsellor: string) =>
        `Entretien de suivi à 6 mois avec ${counsellor}. Apportez votre plan d’action.`,
    },
    satisfaction: {
      title: 'Questionnaires de satisfaction',
      intro:
        'Vos réponses servent de preuve de qualité au prestataire (Qualiopi). Elles ne font pas partie du bilan et sont conservées après sa destruction. Ne mentionnez pas le contenu du bilan.',
      surveys: { 'a-chaud': 'À chaud (fin du bilan)', 'a-froid': 'À froid (suivi à 6 mois)' },
      questions: {
        overall: 'Satisfaction globale',
        expectations: 'Le bilan a répondu à mes attentes',
        methods: 'Les méthodes et outils étaient adaptés',
        counsellor: 'L’accompagnement du/de la conseiller·ère',
        recommend: 'Je recommanderais ce bilan',
        outcome: 'Où en est votre projet ?',
        usefulness: 'Le bilan m’a été utile pour avancer',
        'action-plan': 'J’ai pu suivre mon plan d’action',
      },
      outcomes: {
        realised: 'Réalisé',
        'in-progress': 'En cours',
        changed: 'Projet modifié',
        'on-hold': 'En pause',
      },
      scale: (n: number) => `${n} sur 5`,
      scaleHint: '1 : pas du tout · 5 : tout à fait',
      comment: 'Commentaire (facultatif)',
      submit: 'Envoyer mes réponses',
      update: 'Modifier mes réponses',
      answered: (date: string) => `Réponses envoyées le ${date}.`,
      notAnswered: 'Pas encore de réponse.',
      afterEnd: 'Disponible à partir de la phase de conclusion.',
      counsellorNote:
        'Les réponses du/de la bénéficiaire rejoignent le dossier de preuve, conservé après la destruction.',
      incomplete: 'Répondez à chaque question.',
      saved: 'Réponses enregistrées.',
    },
    destroy: {
      title: 'Détruire le bilan',
      intro:
        'Détruit les documents de travail partagés sur les deux appareils : synthèse, plan d’action, observations. L’autre appareil vérifie l’ordre signé et efface sa copie, tout de suite s’il est en ligne, sinon dès son retour.',
      counsellorKeeps:
        'De votre côté ne restera que le dossier de preuve (dates, heures, émargements signés, satisfaction) : aucun contenu.',
      beneficiaryKeeps:
        'Votre copie personnelle reste à vous : elle n’est ni synchronisée, ni effacée à distance, ni limitée dans le temps.',
      button: 'Détruire le bilan…',
      confirmTitle: 'Détruire définitivement ce bilan ?',
      confirmBody:
        'Cette action est irréversible. Un ordre de destruction signé par votre appareil sera envoyé à l’autre partie.',
      keepCopy: 'Garder une copie personnelle sur cet appareil avant la destruction',
      confirm: 'Détruire définitivement',
      cancel: 'Annuler',
      working: 'Destruction en cours…',
      failures: {
        'not-open': 'Le bilan n’est pas ouvert.',
        'not-a-party': 'Cet appareil n’est pas une partie du bilan.',
        storage: 'La destruction n’a pas pu se terminer (stockage). Réessayez.',
      },
      forged: (n: number) =>
        `Alerte : ${n} ordre(s) de destruction non vérifié(s) ont été ignorés (signature invalide, appareil inconnu ou autre bilan). Votre copie est intacte.`,
    },
    destroyed: {
      title: 'Bilan détruit',
      bySelf: 'Vous avez détruit ce bilan.',
      byOther: 'L’autre partie a détruit ce bilan (ordre signé vérifié).',
      byRetention: 'Le délai de conservation est échu : le bilan est détruit.',
      wiping: 'Suppression en cours…',
      wiped: 'Sa copie partagée a été effacée de cet appareil.',
      wipeFailed:
        'La copie partagée n’a pas pu être entièrement effacée de cet appareil (stockage). Réessayez : ce qui est conservé n’est pas touché.',
      retryWipe: 'Réessayer la suppression',
      copyKept:
        'Votre copie personnelle est conservée sur cet appareil : retrouvez-la dans Mes bilans.',
      noCopy: 'Aucune copie personnelle n’a été gardée.',
      evidenceKept:
        'Seul le dossier de preuve est conservé (émargements, certificat de réalisation).',
      exportEvidence: 'Exporter le certificat et l’émargement (PDF)',
      home: 'Retour à mes bilans',
      evidenceFailed: 'Le dossier de preuve n’a pas pu être exporté.',
    },
    kept: {
      copiesTitle: 'Mes copies personnelles',
      copiesIntro:
        'Copies détachées de bilans terminés ou détruits : elles sont à vous, chiffrées sur cet appareil, jamais synchronisées ni effacées à distance.',
      created: (date: string) => `Copie du ${date}`,
      open: 'Consulter',
      openLabel: (title: string) => `Consulter la copie ${title}`,
      close: 'Fermer la copie',
      remove: 'Supprimer',
      removeLabel: (title: string) => `Supprimer la copie ${title}`,
      removeTitle: 'Supprimer cette copie personnelle ?',
      removeBody: 'La copie sera effacée de cet appareil. Gardez un export si vous en avez besoin.',
      removeConfirm: 'Supprimer la copie',
      cancel: 'Annuler',
      openFailed: 'Cette copie n’a pas pu être ouverte.',
      readOnly: 'Copie personnelle — lecture seule',
      evidenceTitle: 'Dossiers de preuve',
      evidenceIntro:
        'Ce qui reste des bilans détruits côté prestataire : dates, heures, émargements signés, satisfaction. Aucun contenu.',
      evidenceItem: (name: string) => `Bilan de ${name}`,
      evidenceEnded: (date: string) => `terminé le ${date}`,
      evidenceSessions: (n: number) => `${n} séance(s)`,
      exportEvidence: 'Certificat et émargement (PDF)',
      importTitle: 'Importer une sauvegarde',
      importHelp:
        'Ouvrez un fichier .tandem et saisissez sa phrase de passe : il devient une copie personnelle sur cet appareil.',
      importFile: 'Fichier de sauvegarde',
      importButton: 'Importer',
      importing: 'Déchiffrement…',
      imported: 'Sauvegarde importée : elle figure dans vos copies personnelles.',
      importErrors: {
        'not-a-backup': 'Ce fichier n’est pas une sauvegarde Tandem.',
        'too-large': 'Ce fichier est trop volumineux pour être une sauvegarde Tandem.',
        'unsupported-version': 'Cette sauvegarde vient d’une version plus récente de Tandem.',
        'wrong-passphrase-or-modified':
          'Phrase de passe incorrecte, ou fichier modifié depuis sa création.',
        damaged: 'Cette sauvegarde est endommagée.',
        'no-file': 'Choisissez un fichier.',
        'no-passphrase': 'Saisissez la phrase de passe.',
      },
    },
  },
  exportDoc: {
    documentTitle: 'Document de synthèse du bilan de compétences',
    confidential:
      'Document confidentiel. Le/la bénéficiaire en est le/la seul·e destinataire (Code du travail, art. L6313-4) ; il ne peut être communiqué à un tiers qu’avec son accord.',
    confidentialShort: 'Confidentiel — destinataire : le/la bénéficiaire',
    beneficiary: 'Bénéficiaire',
    counsellor: 'Conseiller·ère',
    endedOn: 'Fin du bilan',
    generatedOn: 'Édité le',
    validation: {
      none: 'Version de travail (non validée)',
      stale: 'Version de travail : modifiée depuis sa validation',
      valid: (date: string) => `Version finale, validée par le/la bénéficiaire le ${date}`,
    },
    sections: {
      circonstances: 'Circonstances du bilan',
      competences: 'Compétences et aptitudes',
      projet: 'Projet',
    },
    emptySection: 'Section non renseignée.',
    observations: 'Observations du/de la bénéficiaire',
    observationGeneral: 'Synthèse en général',
    actionPlan: 'Plan d’action',
    emptyActionPlan: 'Aucune action.',
    fields: {
      objective: 'Objectif',
      action: 'Action',
      deadline: 'Échéance',
      funding: 'Financement',
      resources: 'Ressources',
      contact: 'Contact / responsable',
      indicator: 'Indicateur de réussite',
      status: 'Statut',
      project: 'Projet',
    },
    statuses: { a_faire: 'À faire', en_cours: 'En cours', fait: 'Fait', abandonne: 'Abandonné' },
    fundingSources: {
      cpf: 'CPF',
      'transitions-pro': 'Transitions Pro',
      'france-travail': 'France Travail',
      employer: 'Employeur',
      vae: 'VAE',
      other: 'Autre',
    },
    projects: { main: 'Projet principal', alternative: 'Projet alternatif' },
    none: '—',
    page: (n: number, total: number) => `Page ${n} / ${total}`,
  },
};

export type Messages = typeof fr;

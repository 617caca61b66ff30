/** Edits closer together than this are undone as one step. */
export const UNDO_CAPTURE_TIMEOUT_MS = 600;

/**
 * Heading levels allowed inside a synthesis section. Levels 1 and 2 belong to the page
 * (bilan title, fixed section titles), so free content starts at level 3.
 */
export const SECTION_HEADING_LEVELS = [3, 4] as const;
export type SectionHeadingLevel = (typeof SECTION_HEADING_LEVELS)[number];

/** URL schemes a link in the synthesis may use; anything else is refused. */
export const ALLOWED_LINK_PROTOCOLS = ['http:', 'https:', 'mailto:'] as const;

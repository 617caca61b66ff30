import qrcode from 'qrcode-generator';

export interface QrPath {
  /** Modules per side, including the quiet zone. */
  readonly size: number;
  /** One SVG path of unit squares for the dark modules. */
  readonly d: string;
}

/** Quiet zone around the code, in modules (the QR spec asks for 4). */
const QUIET_ZONE_MODULES = 4;

/**
 * A QR code as SVG path data, drawn by a component (no inline markup, script or style,
 * so the strict CSP holds). Error correction M: readable from a laptop screen.
 */
export function qrPath(text: string): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  let d = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col))
        d += `M${col + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h1v1h-1z`;
    }
  }
  return { size: count + 2 * QUIET_ZONE_MODULES, d };
}

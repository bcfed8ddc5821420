// WCAG 2 contrast between two colours, so a test can hold every theme's text colours to AA (4.5:1).

/** An sRGB colour as '#rrggbb' (or '#rgb') in 0–255 channels. */
function channels(hex: string): readonly [number, number, number] {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex);
  if (!match) throw new Error(`Not a #rrggbb colour: ${hex}`);
  const digits = match[1]!.length === 3 ? [...match[1]!].map((digit) => digit + digit).join('') : match[1]!;
  return [0, 2, 4].map((start) => Number.parseInt(digits.slice(start, start + 2), 16)) as unknown as readonly [number, number, number];
}

/** WCAG relative luminance: 0 for black, 1 for white. */
export function relativeLuminance(hex: string): number {
  const [red, green, blue] = channels(hex).map((value) => {
    const unit = value / 255;
    return unit <= 0.04045 ? unit / 12.92 : ((unit + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

/** The contrast ratio of two colours, from 1 (none) to 21 (black on white); the order does not matter. */
export function contrastRatio(first: string, second: string): number {
  const a = relativeLuminance(first);
  const b = relativeLuminance(second);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** `foreground` drawn at `opacity` over `background`, as '#rrggbb' (how a terminal draws dim text). */
export function blend(foreground: string, background: string, opacity: number): string {
  const top = channels(foreground);
  const bottom = channels(background);
  return `#${top.map((value, index) => Math.round(value * opacity + bottom[index]! * (1 - opacity)).toString(16).padStart(2, '0')).join('')}`;
}

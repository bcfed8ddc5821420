// The Dockerfile Berth generates for a zero-config project, as the API shows it before anything is written:
// the text its builds use (and `eject` would save), and the image each stage starts FROM with why.
import { z } from 'zod';
import { BASE_IMAGE_ROLES } from './scan';

export const BASE_IMAGE_SOURCES = ['override', 'env', 'default'] as const;

export const baseImageChoiceSchema = z.object({
  role: z.enum(BASE_IMAGE_ROLES),
  image: z.string(),
  /** The project's setting, the engine's BERTH_BASE_IMAGE_*, or the official image for the detected version. */
  source: z.enum(BASE_IMAGE_SOURCES),
  evidence: z.string(),
});
export type BaseImageChoice = z.infer<typeof baseImageChoiceSchema>;

export const generatedDockerfileSchema = z.object({
  text: z.string(),
  baseImages: z.array(baseImageChoiceSchema),
});
export type GeneratedDockerfile = z.infer<typeof generatedDockerfileSchema>;

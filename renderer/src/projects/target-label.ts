import type { Target } from '../../../shared';

/** A target as the UI names it: a tag (`short`) or a choice in the form (`long`). */
export function targetLabel(target: Target, form: 'short' | 'long' = 'short'): string {
  switch (target) {
    case 'docker':
      return form === 'long' ? 'Local Docker' : 'Docker';
    case 'ecs':
      return 'AWS ECS';
    case 's3':
      return form === 'long' ? 'AWS S3 (static site)' : 'AWS S3';
  }
}

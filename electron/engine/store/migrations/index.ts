import { migration001Initial } from './001-initial';
import { migration002LogSearch } from './002-log-search';
import { migration003LineNumberFloor } from './003-line-number-floor';
import { migration004Secrets } from './004-secrets';
import { migration005ZeroConfig } from './005-zero-config';
import { migration006Alerts } from './006-alerts';
import { migration007Analyses } from './007-analyses';
import { migration008ImageRetention } from './008-image-retention';
import { migration009LogLevels } from './009-log-levels';
import { migration010ComposeStacks } from './010-compose-stacks';
import { migration011ServiceLogs } from './011-service-logs';
import { migration012S3Target } from './012-s3-target';
import { migration013SearchBlockNul } from './013-search-block-nul';
import { migration014LineSlices } from './014-line-slices';
import type { Migration } from './migration';

/** The registry, in order. Add a file per version; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Initial,
  migration002LogSearch,
  migration003LineNumberFloor,
  migration004Secrets,
  migration005ZeroConfig,
  migration006Alerts,
  migration007Analyses,
  migration008ImageRetention,
  migration009LogLevels,
  migration010ComposeStacks,
  migration011ServiceLogs,
  migration012S3Target,
  migration013SearchBlockNul,
  migration014LineSlices,
];

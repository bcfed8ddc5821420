// What the stack steps hand each other within one run (docs/architecture.md, "Compose stacks").
import type { ComposeConfig, ComposeService, PublicChoice } from './compose-file';

export interface StackRunState {
  /** The user's compose file (absolute path); null in a manual rollback, which runs the release's own file. */
  readonly composeFile: string | null;
  /** The normalised config Compose printed for it (null in a manual rollback). */
  readonly config: ComposeConfig | null;
  readonly services: readonly ComposeService[];
  readonly publicChoice: PublicChoice;
  /** The file `up` runs (in the data dir), once setup wrote it. */
  runFile?: string;
  /** A release's saved run file to use instead of writing one (rollback). */
  savedRunFile?: string;
  /** `up` ran: the stack's containers were (re)created by this run. */
  deployed?: boolean;
}

import type { DiscoveredTool } from '@voice/tool-kit';

/** A call may start with the tools of a discovery at most this old (ms); its own discovery then corrects them. */
export const TOOL_CATALOG_MAX_AGE_MS = 5_000;

/** The worker tools a call can be offered: the last list at once, and a fresh one soon after. */
export interface ToolSource {
  /** Every worker tool of the last discovery, when it finished within `TOOL_CATALOG_MAX_AGE_MS`. */
  recent(): readonly DiscoveredTool[] | undefined;
  /** Every worker tool serving now: a new discovery, or the one already under way. */
  discover(): Promise<readonly DiscoveredTool[]>;
}

/**
 * The bridge's tool list. Discovery asks every NATS service and waits for the answers to stop
 * (tens of milliseconds), so a call does not wait for it: it starts with the list of the last
 * discovery (if recent) and runs its own, which the call joins when one is already under way.
 * Calls starting together share one discovery instead of each broadcasting their own; a worker
 * that started or stopped is in the next call's list as soon as that call's discovery returns.
 */
export class ToolCatalog implements ToolSource {
  private last: { tools: readonly DiscoveredTool[]; at: number } | undefined;
  private inFlight: Promise<readonly DiscoveredTool[]> | undefined;

  constructor(
    private readonly discoverAll: () => Promise<DiscoveredTool[]>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  recent(): readonly DiscoveredTool[] | undefined {
    const last = this.last;
    return last && this.now() - last.at <= TOOL_CATALOG_MAX_AGE_MS ? last.tools : undefined;
  }

  discover(): Promise<readonly DiscoveredTool[]> {
    this.inFlight ??= this.discoverAll()
      .then((tools) => {
        this.last = { tools, at: this.now() };
        return tools;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

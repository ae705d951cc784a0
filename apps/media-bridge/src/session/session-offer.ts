import type { AgentProfile } from '@voice/shared/db';
import { type DiscoveredTool, toRealtimeTool } from '@voice/tool-kit';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { buildSessionConfig, type SessionProfile } from '../model/session-config.js';
import { isSystemTool, systemToolsFor } from '../tools/system-tools.js';
import type { ToolSource } from '../tools/tool-catalog.js';

/**
 * What one call's model session is offered: the profile's persona and voice, its system tools,
 * and the worker tools it allows that are serving. It starts from the bridge's recent tool list
 * (so the first `session.update` normally has them) and is corrected by a discovery of its own;
 * the greeting never waits for that, since tools are not needed to say it.
 */
export class SessionOffer {
  /** The `session.update` payload for the model session (the current one, and any replacement). */
  config: RealtimeSessionCreateRequest;
  /** Worker tools offered now, by name. */
  workerTools: ReadonlyMap<string, DiscoveredTool> = new Map();
  /** The system tools the profile allows (`escalate_to_human`, `end_call`). */
  readonly systemTools: ReadonlySet<string>;
  private readonly allowedWorkerTools: ReadonlySet<string>;

  constructor(
    private readonly profile: SessionProfile & Pick<AgentProfile, 'allowedTools'>,
    private readonly tools: ToolSource,
  ) {
    this.systemTools = new Set(profile.allowedTools.filter(isSystemTool));
    this.allowedWorkerTools = new Set(profile.allowedTools.filter((name) => !isSystemTool(name)));
    this.config = this.offer(tools.recent() ?? []);
  }

  /** Names of every tool offered now. */
  get toolNames(): string[] {
    return [...this.workerTools.keys(), ...this.systemTools];
  }

  /**
   * Asks the workers what they serve now. Resolves true when the offer changed, so a new
   * `session.update` is due; rejects when discovery fails (the offer stays as it was).
   */
  async refresh(): Promise<boolean> {
    if (this.allowedWorkerTools.size === 0) return false;
    const before = JSON.stringify(this.config.tools);
    this.config = this.offer(await this.tools.discover());
    return JSON.stringify(this.config.tools) !== before;
  }

  private offer(serving: readonly DiscoveredTool[]): RealtimeSessionCreateRequest {
    const offered = serving.filter((tool) => this.allowedWorkerTools.has(tool.name));
    this.workerTools = new Map(offered.map((tool) => [tool.name, tool]));
    return buildSessionConfig(this.profile, [
      ...offered.map(toRealtimeTool),
      ...systemToolsFor(this.profile.allowedTools),
    ]);
  }
}

/**
 * Failure detection and failover: heartbeats to a coordinator, a timeout, an election, a new epoch,
 * and the deposed leader's eventual step-down.
 *
 * The coordinator's view (`World.leader`, `World.epoch`) and each node's belief
 * (`NodeState.believesLeader`, `NodeState.epoch`) are kept apart: a paused or partitioned old
 * leader goes on believing it leads until it learns otherwise, which is where split brain and
 * fencing come from. Which follower is promoted is the election rule's choice (election.ts).
 */
import { sampler } from "../dist";
import { ConfigError } from "../errors";
import { coordinationElected, deliverNews, electionFailed, onLeaderTick, startCoordination } from "./coordinators";
import { clientRerouteAt, crashLeaderAt, electionDoneAt, heartbeatArriveAt, heartbeatSendAt, stepDownAt, timeoutCheckAt } from "./events";
import { crashed, downUntil, NO_FAULT, slowFactor } from "./faults";
import { clientEndpoint, heldArrival, linkOpen, lost, memberEndpoint } from "./links";
import { rejoin } from "./replication";
import { announceEpoch } from "./storage";
import type { World } from "./world";

/** Epochs travel in 16 bits of an event word (lib/heap.ts). */
const MAX_EPOCH = 65535;

/** Throws, naming `field` and its `settings`, when another election would need an epoch beyond what an event can carry. */
export function checkEpochRoom(w: World, field: string, settings: unknown): void {
  if (w.epoch + 1 <= MAX_EPOCH) return;
  throw new ConfigError(
    field,
    settings,
    `the run elected ${MAX_EPOCH - 1} new leaders by ${w.now.toFixed(1)} ms, the most one run can hold (epochs are kept in 16 bits); a detector that suspects the leader this often is not detecting failures. Lengthen timeoutMs, or simulate a shorter run`,
  );
}

/** Queues the failover's first events: the scripted leader crash, the first heartbeat and timeout check. */
export function startFailover(w: World): void {
  const fo = w.cfg.failover;
  if (!fo) return;
  w.detectorDelay = sampler(fo.detectorDelayMs);
  if (fo.crashAtMs < Infinity) crashLeaderAt(w, fo.crashAtMs);
  heartbeatSendAt(w, 0, 0, 1);
  if (w.coord !== null) startCoordination(w, w.coord);
  else timeoutCheckAt(w, fo.timeoutMs);
}

export function onHeartbeatSend(w: World, node: number, epoch: number): void {
  w.timersQueued--;
  const st = w.nodes[node];
  if (!st.believesLeader || st.epoch !== epoch) return;
  if (downUntil(w, node, w.now) !== NO_FAULT) return; // silent; restarted when the node is back
  if (w.coord !== null) {
    onLeaderTick(w, w.coord, node, epoch);
    return;
  }
  const fo = w.cfg.failover!;
  if (node === w.leader) {
    const d = w.detectorDelay(w.rFaults) * (w.faultWins[node].length > 0 ? slowFactor(w, node, w.now) : 1);
    // Heartbeats share one ordered connection (as with TCP sessions to a coordinator): one
    // delayed heartbeat holds back those behind it, which is how a latency spike becomes silence.
    let t = w.now + d;
    if (t < w.lastHbArrival) t = w.lastHbArrival;
    // Across a cut a heartbeat is lost: the monitor hears silence.
    if (w.links === null || !lost(w.links, node, memberEndpoint(w.links, 0), w.now, t)) {
      w.lastHbArrival = t;
      heartbeatArriveAt(w, t, epoch);
    }
  }
  heartbeatSendAt(w, w.now + fo.heartbeatMs, node, epoch);
}

export function onHeartbeatArrive(w: World, epoch: number): void {
  w.timersQueued--;
  if (epoch !== w.epoch) return;
  if (w.now > w.lastHeard) w.lastHeard = w.now;
  timeoutCheckAt(w, w.now + w.cfg.failover!.timeoutMs);
}

export function onTimeoutCheck(w: World): void {
  w.timersQueued--;
  if (w.coord !== null) return; // several monitors or a lease decide on their own (coordinators.ts)
  const fo = w.cfg.failover!;
  // Compare against the same sum the check was scheduled at: `now - lastHeard` can round below it.
  if (w.electing || w.now < w.lastHeard + fo.timeoutMs) return;
  const old = w.leader;
  const candidate = pickCandidate(w, old, w.links === null ? -1 : memberEndpoint(w.links, 0));
  w.events.push({ kind: "suspect", atMs: w.now, node: w.cfg.names[old], by: "monitor" });
  if (candidate < 0) {
    timeoutCheckAt(w, w.now + fo.timeoutMs); // nobody to promote: try again later
    return;
  }
  checkEpochRoom(w, "failover.detector", { heartbeatMs: fo.heartbeatMs, timeoutMs: fo.timeoutMs });
  w.electing = true;
  // The old leader was alive (slow heartbeats, or paused and about to resume): an unneeded failover.
  if (!crashed(w, old, w.now)) w.spurious++;
  electionDoneAt(w, w.now + sampler(fo.electionMs)(w.rFaults), candidate, w.epoch + 1);
}

/**
 * The live followers of the current epoch, other than `old`: whom an election may promote. With
 * partitions, only those the deciding coordinator member (`from`, an endpoint; -1: any) can reach.
 */
function candidates(w: World, old: number, from = -1): number[] {
  const live: number[] = [];
  for (let r = 0; r < w.n; r++) {
    if (r === old || w.nodes[r].epoch !== w.epoch || w.nodes[r].believesLeader) continue;
    if (downUntil(w, r, w.now) !== NO_FAULT) continue;
    if (w.links !== null && from >= 0 && !linkOpen(w.links, from, r, w.now)) continue;
    live.push(r);
  }
  return live;
}

/** The election rule's pick among the candidates `from` can reach (see `candidates`), or -1. */
export function pickCandidate(w: World, old: number, from: number): number {
  const live = candidates(w, old, from);
  return live.length === 0 ? -1 : w.elect!(live, w);
}

/**
 * Whether the detector could promote someone as things stand now: false when no follower can be
 * elected (none is live, or the fixed one is not). Without a change to the nodes it stays false.
 */
export function canElect(w: World): boolean {
  const live = candidates(w, w.leader, w.links === null ? -1 : memberEndpoint(w.links, w.coord === null ? 0 : w.coord.decidedBy));
  const rule = w.cfg.failover!.election;
  return live.length > 0 && (typeof rule !== "number" || live.includes(rule));
}

export function onElectionDone(w: World, cand: number, epoch: number): void {
  w.timersQueued--;
  w.electing = false;
  const fo = w.cfg.failover!;
  if (downUntil(w, cand, w.now) !== NO_FAULT) {
    // The candidate died meanwhile: elect again.
    if (w.coord !== null) electionFailed(w, w.coord);
    else timeoutCheckAt(w, w.now);
    return;
  }
  const old = w.leader;
  w.epoch = epoch;
  w.leader = cand;
  w.failovers++;
  const cs = w.nodes[cand];
  cs.epoch = epoch;
  cs.believesLeader = true;
  // Promotion replays every received entry: all become visible now, and all count as committed.
  const vis = w.applyMs[cand];
  for (let i = 0; i < cs.log.length; i++) {
    const id = cs.log.ids[i];
    if (vis[id] > w.now) vis[id] = w.now;
    w.localDone[id] = 1;
  }
  cs.commitPtr = cs.log.length;
  cs.acked.fill(0);
  cs.lastApply = w.now;
  w.events.push({ kind: "elected", atMs: w.now, node: w.cfg.names[cand], epoch });
  if (!Number.isNaN(w.leaderDownSince)) {
    w.outageMs += w.now - w.leaderDownSince;
    w.leaderDownSince = NaN;
  }
  // The followers learn of the new epoch from the coordinator member that decided (at once, unless a partition holds the news).
  const member = w.coord === null ? 0 : w.coord.decidedBy;
  for (let r = 0; r < w.n; r++) {
    if (r === cand || (r === old && w.nodes[r].believesLeader)) continue;
    if (w.nodes[r].believesLeader) continue;
    deliverNews(w, r, epoch, member);
  }
  announceEpoch(w, epoch, member);
  // The old leader keeps believing it leads until it learns otherwise.
  const os = w.nodes[old];
  if (os.believesLeader) {
    const until = downUntil(w, old, w.now);
    let from = until === NO_FAULT ? w.now : until;
    if (w.links !== null && from < Infinity) from = heldArrival(w.links, memberEndpoint(w.links, member), old, from, from);
    if (from < Infinity) stepDownAt(w, from + sampler(fo.stepDownAfterMs)(w.rFaults), old);
  }
  w.lastHeard = w.now;
  heartbeatSendAt(w, w.now, cand, epoch);
  if (w.coord !== null) coordinationElected(w, w.coord);
  else timeoutCheckAt(w, w.now + fo.timeoutMs);
  const reroute = sampler(fo.clientRerouteMs);
  for (let c = 0; c < w.clientNames.length; c++) {
    let at = w.now + reroute(w.rFaults);
    // A client cut off from the coordinator hears of the new leader when the partition heals.
    if (w.links !== null) at = heldArrival(w.links, memberEndpoint(w.links, member), clientEndpoint(w.links, c), w.now, at);
    if (at < Infinity) clientRerouteAt(w, at, c);
  }
}

export function onStepDown(w: World, node: number): void {
  w.timersQueued--;
  stepDown(w, node);
}

/** A deposed leader that runs learns of the newer epoch: it becomes a follower and catches up. */
export function stepDown(w: World, node: number): void {
  const st = w.nodes[node];
  if (!st.believesLeader || st.epoch >= w.epoch || node === w.leader) return;
  const until = downUntil(w, node, w.now);
  if (until !== NO_FAULT) {
    if (until < Infinity) stepDownAt(w, until, node);
    return;
  }
  st.believesLeader = false;
  w.events.push({ kind: "demoted", atMs: w.now, node: w.cfg.names[node], epoch: st.epoch });
  st.epoch = w.epoch;
  rejoin(w, node);
}

/** A client learns who leads now. */
export function onClientReroute(w: World, client: number): void {
  w.clientView[client] = w.leader;
}

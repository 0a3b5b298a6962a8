/**
 * Who decides leadership, besides the single monitor of failover.ts (`failover.coordinator`,
 * lib/coordination.ts): several monitors that promote only on a majority's suspicion, or a
 * majority lease in the style of ZooKeeper or etcd.
 *
 * Members are "M1" … "Mk"; messages between them, the nodes and the clients take the detector's
 * delay, drawn from their own stream, and partitions cut them like any other link (heartbeats,
 * renewals and grants are lost across a cut; news is held until it heals).
 *
 * The lease. The leader renews every `renewEveryMs` by asking every member; once a majority has
 * granted a round, its lease lasts until the round's start plus `leaseMs`. A leader whose lease
 * has run out stops taking writes at once (it checks before every write and when the lease ends)
 * and steps down. A member grants the lease to someone else only once its own view of the old
 * grant has expired, and every member's view ends no earlier than the leader's lease, so a new
 * leader is elected only after the old one has stopped: no split brain, given clocks that do not
 * drift. The price is availability (no majority, no leader) and time (failover waits out the
 * lease). Promotion itself is failover.ts's `onElectionDone`, shared by every coordinator.
 */
import { sampler } from "../dist";
import { stream, type Rng } from "../rng";
import { coordinatorAt, electionDoneAt, heartbeatSendAt } from "./events";
import { checkEpochRoom, pickCandidate } from "./failover";
import { crashed, downUntil, NO_FAULT, slowFactor } from "./faults";
import { heldArrival, linkOpen, memberEndpoint } from "./links";
import { rejoin } from "./replication";
import type { World } from "./world";

// What a coordinator event is about (its `x` packs this kind, a round and a member).
const HEARTBEAT_AT_MEMBER = 1;
const MEMBER_CHECK = 2;
const RENEW_AT_MEMBER = 3;
const GRANT_AT_LEADER = 4;
const LEASE_CHECK = 5;
const MEMBER_EXPIRE = 6;
const ACQUIRE_AT_MEMBER = 7;
const GRANTED_TO_CANDIDATE = 8;
const NEWS = 9;

const pack = (what: number, member: number, round = 0): number => what * (1 << 24) + (round & 0xffff) * 256 + member;

export interface Coordination {
  readonly kind: "monitors" | "lease";
  readonly members: number;
  readonly majority: number;
  readonly delay: (r: Rng) => number;
  readonly rng: Rng;
  /** The member whose decision elected the current leader: it sends the news. */
  decidedBy: number;
  // Monitors: when each member last heard the leader, and its ordered heartbeat connection.
  readonly lastHeard: Float64Array;
  readonly heartbeatArrival: Float64Array;
  // The lease, as each member sees it.
  readonly holder: Int32Array;
  readonly holderEpoch: Int32Array;
  readonly expiresMs: Float64Array;
  // The lease, as each node sees it (the leader's renewal rounds).
  readonly leaseUntil: Float64Array;
  readonly round: Int32Array;
  readonly roundStart: Float64Array;
  readonly roundGrants: Int32Array;
  // A campaign for the next epoch.
  campaignEpoch: number;
  campaignCandidate: number;
  campaignSentMs: number;
  campaignGrants: number;
  /** The epoch whose leader a member last reported suspected (one report per epoch). */
  suspectedEpoch: number;
}

/** The coordination of a run with several monitors or a lease; null for the single monitor (failover.ts alone). */
export function createCoordination(w: World): Coordination | null {
  const fo = w.cfg.failover;
  if (!fo || fo.coordinator.kind === "monitor") return null;
  const k = fo.coordinator.members.length;
  const perMember = () => new Float64Array(k);
  return {
    kind: fo.coordinator.kind,
    members: k,
    majority: Math.floor(k / 2) + 1,
    delay: sampler(fo.detectorDelayMs),
    rng: stream(w.cfg.seed, "coordinator"),
    decidedBy: 0,
    lastHeard: perMember(),
    heartbeatArrival: perMember(),
    holder: new Int32Array(k),
    holderEpoch: new Int32Array(k).fill(1),
    expiresMs: perMember().fill(fo.coordinator.leaseMs),
    leaseUntil: new Float64Array(w.n),
    round: new Int32Array(w.n),
    roundStart: new Float64Array(w.n),
    roundGrants: new Int32Array(w.n),
    campaignEpoch: 0,
    campaignCandidate: -1,
    campaignSentMs: 0,
    campaignGrants: 0,
    suspectedEpoch: 0,
  };
}

/** Queues the members' first timers. The leader's first tick is failover.ts's first heartbeat. */
export function startCoordination(w: World, c: Coordination): void {
  const fo = w.cfg.failover!;
  if (c.kind === "lease") {
    c.leaseUntil[0] = fo.coordinator.leaseMs;
    for (let m = 0; m < c.members; m++) coordinatorAt(w, c.expiresMs[m], pack(MEMBER_EXPIRE, m), 0, 0);
  } else {
    for (let m = 0; m < c.members; m++) coordinatorAt(w, fo.timeoutMs, pack(MEMBER_CHECK, m), 0, 0);
  }
}

/** When a message between endpoints `a` and `b` sent at `sentMs` arrives, or -1 when a cut loses it. A slow node's messages are slower. */
function send(w: World, c: Coordination, a: number, b: number, slowNode: number, sentMs = w.now): number {
  let d = c.delay(c.rng);
  if (w.faultWins[slowNode].length > 0) d *= slowFactor(w, slowNode, sentMs);
  const due = sentMs + d;
  if (w.links === null) return due;
  return linkOpen(w.links, a, b, sentMs) && linkOpen(w.links, a, b, due) ? due : -1;
}

const memberAt = (w: World, m: number): number => (w.links === null ? -1 : memberEndpoint(w.links, m));

/** The leader's periodic tick (failover.ts's heartbeat send): a heartbeat to every monitor, or a lease renewal round. */
export function onLeaderTick(w: World, c: Coordination, node: number, epoch: number): void {
  const fo = w.cfg.failover!;
  if (c.kind === "lease") {
    if (w.now >= c.leaseUntil[node]) {
      loseLease(w, node);
      return;
    }
    const round = ++c.round[node];
    c.roundStart[node] = w.now;
    c.roundGrants[node] = 0;
    for (let m = 0; m < c.members; m++) {
      const at = send(w, c, node, memberAt(w, m), node);
      if (at >= 0) coordinatorAt(w, at, pack(RENEW_AT_MEMBER, m, round), node, epoch);
    }
    heartbeatSendAt(w, w.now + fo.coordinator.renewEveryMs, node, epoch);
    return;
  }
  for (let m = 0; m < c.members; m++) {
    let at = send(w, c, node, memberAt(w, m), node);
    if (at < 0) continue;
    // Each monitor's heartbeats share one ordered connection, as with the single monitor.
    if (at < c.heartbeatArrival[m]) at = c.heartbeatArrival[m];
    c.heartbeatArrival[m] = at;
    coordinatorAt(w, at, pack(HEARTBEAT_AT_MEMBER, m), node, epoch);
  }
  heartbeatSendAt(w, w.now + fo.heartbeatMs, node, epoch);
}

export function onCoordinatorEvent(w: World, x: number, node: number, epoch: number): void {
  w.timersQueued--;
  const c = w.coord!;
  const what = Math.floor(x / (1 << 24));
  const round = Math.floor(x / 256) & 0xffff;
  const m = x & 0xff;
  switch (what) {
    case HEARTBEAT_AT_MEMBER:
      if (epoch !== w.epoch) return;
      if (w.now > c.lastHeard[m]) c.lastHeard[m] = w.now;
      coordinatorAt(w, w.now + w.cfg.failover!.timeoutMs, pack(MEMBER_CHECK, m), 0, 0);
      return;
    case MEMBER_CHECK:
      return onMemberCheck(w, c, m);
    case RENEW_AT_MEMBER:
      return onRenew(w, c, m, node, epoch, round);
    case GRANT_AT_LEADER:
      return onGrant(w, c, m, node, epoch, round);
    case LEASE_CHECK:
      return onLeaseCheck(w, c, node, epoch);
    case MEMBER_EXPIRE:
      return onMemberExpire(w, c, m);
    case ACQUIRE_AT_MEMBER:
      return onAcquire(w, c, m, node, epoch);
    case GRANTED_TO_CANDIDATE:
      return onGranted(w, c, m, node, epoch);
    case NEWS:
      return onNews(w, node, epoch);
    default:
      throw new Error(`unknown coordinator event ${what}`);
  }
}

// ---------------------------------------------------------------- several monitors

function suspects(w: World, c: Coordination, m: number): boolean {
  return w.now >= c.lastHeard[m] + w.cfg.failover!.timeoutMs;
}

/** Monitor `m`'s timeout: promote a follower if a majority of the monitors it can reach suspect the leader too. */
function onMemberCheck(w: World, c: Coordination, m: number): void {
  const fo = w.cfg.failover!;
  if (w.electing || !suspects(w, c, m)) return;
  let agreeing = 0;
  for (let j = 0; j < c.members; j++) {
    if (suspects(w, c, j) && (w.links === null || linkOpen(w.links, memberAt(w, m), memberAt(w, j), w.now))) agreeing++;
  }
  if (agreeing < c.majority) {
    coordinatorAt(w, w.now + fo.timeoutMs, pack(MEMBER_CHECK, m), 0, 0);
    return;
  }
  const old = w.leader;
  const candidate = pickCandidate(w, old, memberAt(w, m));
  if (candidate < 0) {
    // Nobody this monitor can reach to promote: try again later.
    coordinatorAt(w, w.now + fo.timeoutMs, pack(MEMBER_CHECK, m), 0, 0);
    return;
  }
  w.events.push({ kind: "suspect", atMs: w.now, node: w.cfg.names[old], by: `M${m + 1} with a majority of monitors` });
  checkEpochRoom(w, "failover.coordinator", fo.coordinator);
  w.electing = true;
  c.decidedBy = m;
  if (!crashed(w, old, w.now)) w.spurious++;
  electionDoneAt(w, w.now + sampler(fo.electionMs)(c.rng), candidate, w.epoch + 1);
}

// ---------------------------------------------------------------- the lease

/** Member `m` is asked by `node` (leader of `epoch`) to renew: it grants if that node holds its lease. */
function onRenew(w: World, c: Coordination, m: number, node: number, epoch: number, round: number): void {
  if (c.holder[m] !== node || c.holderEpoch[m] !== epoch) return; // someone else holds it now
  c.expiresMs[m] = w.now + w.cfg.failover!.coordinator.leaseMs;
  coordinatorAt(w, c.expiresMs[m], pack(MEMBER_EXPIRE, m), 0, 0);
  const at = send(w, c, memberAt(w, m), node, node);
  if (at >= 0) coordinatorAt(w, at, pack(GRANT_AT_LEADER, m, round), node, epoch);
}

/** A grant reaches the leader: with a majority for this round, its lease runs until the round's start plus the lease. */
function onGrant(w: World, c: Coordination, m: number, node: number, epoch: number, round: number): void {
  const st = w.nodes[node];
  if (!st.believesLeader || st.epoch !== epoch || round !== (c.round[node] & 0xffff)) return;
  const before = c.roundGrants[node];
  c.roundGrants[node] |= 1 << m;
  if (before === c.roundGrants[node] || popcount(c.roundGrants[node]) !== c.majority) return;
  const until = c.roundStart[node] + w.cfg.failover!.coordinator.leaseMs;
  if (until <= c.leaseUntil[node]) return;
  c.leaseUntil[node] = until;
  coordinatorAt(w, until, pack(LEASE_CHECK, 0), node, epoch);
}

function onLeaseCheck(w: World, c: Coordination, node: number, epoch: number): void {
  const st = w.nodes[node];
  if (!st.believesLeader || st.epoch !== epoch || w.now < c.leaseUntil[node]) return;
  const until = downUntil(w, node, w.now);
  if (until !== NO_FAULT) {
    // Frozen: it cannot act; it checks again the moment it runs (and before any write).
    if (until < Infinity) coordinatorAt(w, until, pack(LEASE_CHECK, 0), node, epoch);
    return;
  }
  loseLease(w, node);
}

/** True unless `node` runs a lease that has run out (then it steps down at once). */
export function mayLead(w: World, c: Coordination, node: number): boolean {
  if (c.kind !== "lease" || w.now < c.leaseUntil[node]) return true;
  loseLease(w, node);
  return false;
}

/** The lease ran out: the leader stops taking writes and steps down, before anyone else is elected. */
function loseLease(w: World, node: number): void {
  const st = w.nodes[node];
  if (!st.believesLeader) return;
  st.believesLeader = false;
  w.events.push({ kind: "demoted", atMs: w.now, node: w.cfg.names[node], epoch: st.epoch });
  if (node === w.leader && Number.isNaN(w.leaderDownSince)) w.leaderDownSince = w.now;
}

/**
 * When the lease `m` last granted ends as `m` sees it: the members replicate what they grant among
 * themselves, so the latest renewal of the same lease by any member `m` can reach counts.
 */
function leaseEndSeenBy(w: World, c: Coordination, m: number): number {
  let end = c.expiresMs[m];
  for (let j = 0; j < c.members; j++) {
    if (j === m || c.expiresMs[j] <= end || c.holder[j] !== c.holder[m] || c.holderEpoch[j] !== c.holderEpoch[m]) continue;
    if (w.links === null || linkOpen(w.links, memberAt(w, m), memberAt(w, j), w.now)) end = c.expiresMs[j];
  }
  return end;
}

/** Member `m`'s view of the lease may have run out: if so, it asks the most up-to-date follower it can reach to campaign. */
function onMemberExpire(w: World, c: Coordination, m: number): void {
  const fo = w.cfg.failover!;
  if (w.electing) return;
  const end = leaseEndSeenBy(w, c, m);
  if (w.now < end) {
    if (end > c.expiresMs[m]) coordinatorAt(w, end, pack(MEMBER_EXPIRE, m), 0, 0);
    return;
  }
  const next = w.epoch + 1;
  // A campaign for the next epoch is under way (one that got no majority within a lease is given up).
  if (c.campaignEpoch === next && w.now < c.campaignSentMs + fo.coordinator.leaseMs) return;
  const old = w.leader;
  const candidate = pickCandidate(w, old, memberAt(w, m));
  if (candidate < 0) {
    coordinatorAt(w, w.now + fo.coordinator.renewEveryMs, pack(MEMBER_EXPIRE, m), 0, 0);
    return;
  }
  // The candidate hears of it from the member, then asks every member for the lease.
  const heard = send(w, c, memberAt(w, m), candidate, candidate);
  if (heard < 0) {
    coordinatorAt(w, w.now + fo.coordinator.renewEveryMs, pack(MEMBER_EXPIRE, m), 0, 0);
    return;
  }
  if (c.suspectedEpoch !== w.epoch) {
    c.suspectedEpoch = w.epoch;
    w.events.push({ kind: "suspect", atMs: w.now, node: w.cfg.names[old], by: `M${m + 1}: lease expired` });
  }
  c.campaignEpoch = next;
  c.campaignCandidate = candidate;
  c.campaignSentMs = heard;
  c.campaignGrants = 0;
  c.decidedBy = m;
  for (let j = 0; j < c.members; j++) {
    const at = send(w, c, candidate, memberAt(w, j), candidate, heard);
    if (at >= 0) coordinatorAt(w, at, pack(ACQUIRE_AT_MEMBER, j), candidate, next);
  }
  // If the campaign fails (no majority answers), try again later.
  coordinatorAt(w, heard + fo.coordinator.leaseMs, pack(MEMBER_EXPIRE, m), 0, 0);
}

/** Member `m` is asked for the lease of `epoch` by `candidate`: granted once its view of the old lease has run out. */
function onAcquire(w: World, c: Coordination, m: number, candidate: number, epoch: number): void {
  if (epoch <= c.holderEpoch[m] || w.now < leaseEndSeenBy(w, c, m)) return;
  c.holder[m] = candidate;
  c.holderEpoch[m] = epoch;
  c.expiresMs[m] = w.now + w.cfg.failover!.coordinator.leaseMs;
  coordinatorAt(w, c.expiresMs[m], pack(MEMBER_EXPIRE, m), 0, 0);
  const at = send(w, c, memberAt(w, m), candidate, candidate);
  if (at >= 0) coordinatorAt(w, at, pack(GRANTED_TO_CANDIDATE, m), candidate, epoch);
}

/** A grant reaches the candidate: with a majority, it is elected, holding the lease from when it asked. */
function onGranted(w: World, c: Coordination, m: number, candidate: number, epoch: number): void {
  if (epoch !== c.campaignEpoch || candidate !== c.campaignCandidate || w.electing || epoch !== w.epoch + 1) return;
  c.campaignGrants |= 1 << m;
  if (popcount(c.campaignGrants) < c.majority) return;
  const fo = w.cfg.failover!;
  checkEpochRoom(w, "failover.coordinator", fo.coordinator);
  w.electing = true;
  if (!crashed(w, w.leader, w.now)) w.spurious++;
  c.leaseUntil[candidate] = c.campaignSentMs + fo.coordinator.leaseMs;
  c.round[candidate] = 0;
  electionDoneAt(w, w.now + sampler(fo.electionMs)(c.rng), candidate, epoch);
}

/** A leader was elected: every monitor gives it a full timeout before suspecting it. */
export function coordinationElected(w: World, c: Coordination): void {
  if (c.kind !== "monitors") return;
  for (let m = 0; m < c.members; m++) {
    c.lastHeard[m] = w.now;
    coordinatorAt(w, w.now + w.cfg.failover!.timeoutMs, pack(MEMBER_CHECK, m), 0, 0);
  }
}

/** The candidate could not take over (it died meanwhile): the members try again. */
export function electionFailed(w: World, c: Coordination): void {
  c.campaignEpoch = 0;
  for (let m = 0; m < c.members; m++) coordinatorAt(w, w.now, pack(c.kind === "lease" ? MEMBER_EXPIRE : MEMBER_CHECK, m), 0, 0);
}

// ---------------------------------------------------------------- news of a new epoch

/**
 * Node `r` learns that a new leader was elected (`epoch`): now, if the member that decided can
 * reach it, else when the partition between them heals.
 */
export function deliverNews(w: World, r: number, epoch: number, member: number): void {
  if (w.links === null || linkOpen(w.links, memberEndpoint(w.links, member), r, w.now)) {
    joinEpoch(w, r, epoch);
    return;
  }
  const at = heldArrival(w.links, memberEndpoint(w.links, member), r, w.now, w.now);
  if (at < Infinity) coordinatorAt(w, at, pack(NEWS, 0), r, epoch);
}

function onNews(w: World, node: number, epoch: number): void {
  if (epoch === w.epoch) joinEpoch(w, node, epoch);
}

/** A node that does not believe it leads follows the leader of `epoch`. */
function joinEpoch(w: World, r: number, epoch: number): void {
  const rs = w.nodes[r];
  if (rs.believesLeader || rs.epoch >= epoch || r === w.leader) return;
  rs.epoch = epoch;
  rejoin(w, r);
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

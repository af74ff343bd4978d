import { describe, expect, it } from 'vitest';
import { EQUIPMENT_TYPES, type PlcState } from '@plantgraph/demo-catalog';
import { DOWNLOAD_STATUS, type Machine } from './machine.ts';
import { createMachines, siteEquipment } from './plant.ts';

const START = Date.UTC(2026, 10, 23, 6, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const plant = () => [...siteEquipment('Dresden'), ...siteEquipment('Lyon')];

interface Sample {
  at: number;
  state: PlcState;
  reason: string | null;
  code: number;
  since: number;
  good: number;
  reject: number;
  alarmWord: number;
  values: Record<string, unknown>;
}

function sample(machine: Machine, at: number): Sample {
  return {
    at,
    state: machine.state,
    reason: machine.reason,
    code: machine.stateCode,
    since: machine.since.getTime(),
    good: machine.goodCount,
    reject: machine.rejectCount,
    alarmWord: machine.alarmWord,
    values: Object.fromEntries(
      machine.points.map((point) => [point.name, machine.read(point.name)]),
    ),
  };
}

/** Steps every machine from START in `every` ms steps for `duration` ms; samples per machine. */
function run(machines: Machine[], duration: number, every: number): Sample[][] {
  const samples = machines.map((machine) => [sample(machine, START)]);
  for (let at = START + every; at <= START + duration; at += every) {
    machines.forEach((machine, index) => {
      machine.step(at);
      samples[index]!.push(sample(machine, at));
    });
  }
  return samples;
}

// Two plant days at minute steps: every state occurs, yet the run stays well under a second.
const DAYS = 2 * 24 * 60 * MINUTE;
const machines = createMachines(plant(), { seed: 42, start: START });
const STEP = MINUTE;
const history = run(machines, DAYS, STEP);

describe('machine model', () => {
  it('repeats itself for the same seed and step times, and differs for another seed', () => {
    const hours = 6 * 60 * MINUTE;
    const again = run(createMachines(plant(), { seed: 42, start: START }), hours, STEP);
    const other = run(createMachines(plant(), { seed: 43, start: START }), hours, STEP);
    const prefix = history.map((samples) => samples.slice(0, again[0]!.length));
    expect(again).toEqual(prefix);
    expect(other).not.toEqual(prefix);
  });

  it('runs the same plant whatever the step size; only the noise differs', () => {
    const coarse = run(createMachines(plant(), { seed: 42, start: START }), DAYS, 10 * STEP);
    const plantOnly = ({ at, state, reason, since, good, reject, alarmWord }: Sample) => ({
      ...{ at, state, reason, since, good, reject, alarmWord },
    });
    const fine = history.map((samples) => samples.filter((_, i) => i % 10 === 0).map(plantOnly));
    expect(coarse.map((samples) => samples.map(plantOnly))).toEqual(fine);
  });

  it('only takes states and reasons from its type’s PLC state table', () => {
    const seen = new Set<PlcState>();
    const problems: string[] = [];
    machines.forEach((machine, index) => {
      const codes = new Map(machine.stateCodes.map((entry) => [entry.code, entry]));
      for (const { state, reason, code } of history[index]!) {
        const entry = codes.get(code);
        if (entry?.state !== state || entry.reason !== reason) {
          problems.push(`${machine.equipment.spec.name}: ${code} ${state}/${reason}`);
        }
        seen.add(state);
      }
    });
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual(
      ['DOWN', 'IDLE', 'MAINTENANCE', 'RUNNING', 'SETUP', 'STOPPED'].sort(),
    );
  });

  it('runs most of the time', () => {
    const all = history.flat();
    const running = all.filter((entry) => entry.state === 'RUNNING').length / all.length;
    expect(running).toBeGreaterThan(0.6);
    expect(running).toBeLessThan(0.95);
  });

  it('starts in the state the seeded history ends in', () => {
    const robot = machines.find((machine) => machine.equipment.spec.name === 'Welding Robot 01')!;
    expect(history[machines.indexOf(robot)]![0]).toMatchObject({
      state: 'DOWN',
      reason: 'COLLISION',
    });
    expect(robot.equipment.type).toBe(EQUIPMENT_TYPES.weldingRobot);
  });

  it('counts parts only while running, never backwards, at the type’s rate', () => {
    const problems: string[] = [];
    machines.forEach((machine, index) => {
      const samples = history[index]!;
      const name = machine.equipment.spec.name;
      samples.slice(1).forEach((current, i) => {
        const previous = samples[i]!;
        if (current.good < previous.good || current.reject < previous.reject) {
          problems.push(`${name}: counts went back at ${current.at}`);
        }
        for (const tag of ['Part Count', 'Energy']) {
          if ((current.values[tag] as number) < (previous.values[tag] as number)) {
            problems.push(`${name}: ${tag} went back at ${current.at}`);
          }
        }
        const stood = previous.state !== 'RUNNING' && current.since === previous.since;
        if (stood && current.good + current.reject !== previous.good + previous.reject) {
          problems.push(`${name}: counted parts while ${current.state} at ${current.at}`);
        }
        if (current.good + current.reject !== current.values['Part Count']) {
          problems.push(`${name}: GoodCount + RejectCount differs from Part Count`);
        }
      });
      const first = samples[0]!;
      const last = samples.at(-1)!;
      const made = last.good + last.reject - first.good - first.reject;
      const running = samples.filter((entry) => entry.state === 'RUNNING').length * (STEP / MINUTE);
      const { partsPerMinute, rejectRate } = machine.equipment.type;
      expect(made).toBeGreaterThan(partsPerMinute * running * 0.9);
      expect(made).toBeLessThan(partsPerMinute * running * 1.1);
      if (rejectRate === 0) expect(last.reject).toBe(first.reject);
    });
    expect(problems).toEqual([]);
    const press = machines.findIndex((machine) => machine.equipment.spec.type === 'press');
    const [first, last] = [history[press]![0]!, history[press]!.at(-1)!];
    const rate =
      (last.reject - first.reject) / (last.good + last.reject - first.good - first.reject);
    expect(rate).toBeGreaterThan(EQUIPMENT_TYPES.press.rejectRate / 2);
    expect(rate).toBeLessThan(EQUIPMENT_TYPES.press.rejectRate * 2);
  });

  it('sets the down reason’s alarm bit exactly while down, and lets warnings come and go', () => {
    const problems: string[] = [];
    let warningsRaised = 0;
    let warningsCleared = 0;
    machines.forEach((machine, index) => {
      const { downReasons, warnings } = machine.equipment.type;
      const bit = (code: string) => 1 << machine.alarmCodes.indexOf(code);
      const warningBits = warnings.reduce((word, code) => word | bit(code), 0);
      const downOnly = downReasons.filter((code) => !warnings.includes(code));
      let previous = 0;
      for (const { at, state, reason, alarmWord } of history[index]!) {
        if (alarmWord >>> machine.alarmCodes.length !== 0) problems.push(`${at}: unknown bit`);
        for (const code of downOnly) {
          if (((alarmWord & bit(code)) !== 0) !== (state === 'DOWN' && reason === code)) {
            problems.push(
              `${machine.equipment.spec.name} ${at}: ${code} bit while ${state}/${reason}`,
            );
          }
        }
        if (alarmWord & warningBits & ~previous) warningsRaised++;
        if (previous & warningBits & ~alarmWord) warningsCleared++;
        previous = alarmWord;
      }
    });
    expect(problems).toEqual([]);
    expect(warningsRaised).toBeGreaterThan(machines.length * 3);
    expect(warningsCleared).toBeGreaterThan(machines.length * 3);
  });

  it('opens the door for setup and maintenance and switches programs only at changeovers', () => {
    const problems: string[] = [];
    let changes = 0;
    history.flat().forEach((entry, at, all) => {
      const standing = entry.state === 'SETUP' || entry.state === 'MAINTENANCE';
      if (standing && entry.values['Door Closed'] !== false) problems.push(`door closed at ${at}`);
      const previous = all[at - 1];
      const program = entry.values['Program Name'];
      if (previous && previous.at < entry.at && previous.values['Program Name'] !== program) {
        changes++;
        if (!standing) problems.push(`program changed while ${entry.state}`);
      }
      if (!/^PRG_[A-Z]+_\d+$/.test(String(program))) problems.push(`program ${program}`);
    });
    expect(problems).toEqual([]);
    expect(changes).toBeGreaterThan(machines.length);
  });

  it('follows the catalog signals: running level, idle level, noise within bounds', () => {
    const index = machines.findIndex((machine) => machine.equipment.spec.type === 'cncMill');
    const spindle = EQUIPMENT_TYPES.cncMill.tags.find((tag) => tag.name === 'Spindle Speed')!;
    if (spindle.signal.kind !== 'analog') throw new Error('Spindle Speed is analog');
    const { run: level, amplitude, noise } = spindle.signal;
    const running = history[index]!.filter((entry) => entry.state === 'RUNNING');
    const standing = history[index]!.filter((entry) => entry.state !== 'RUNNING');
    const deviation = running.map((entry) =>
      Math.abs((entry.values['Spindle Speed'] as number) - level),
    );
    expect(Math.max(...deviation)).toBeLessThanOrEqual(amplitude + noise);
    expect(new Set(standing.map((entry) => entry.values['Spindle Speed']))).toEqual(new Set([0]));
    const values = new Set(
      history[index]!.slice(0, 20).map((entry) => entry.values['Motor Current']),
    );
    expect(values.size).toBeGreaterThan(10);
  });

  it('divides state durations by speed, not the part rate', () => {
    const equipment = siteEquipment('Dresden');
    const slow = run(
      createMachines(equipment, { seed: 1, start: START }),
      12 * 60 * MINUTE,
      MINUTE,
    );
    const fast = run(
      createMachines(equipment, { seed: 1, speed: 60, start: START }),
      12 * MINUTE,
      SECOND,
    );
    const states = (samples: Sample[][]) =>
      samples.map((entries) => entries.map(({ state, reason }) => `${state}/${reason}`));
    expect(states(fast)).toEqual(states(slow));
    const made = (entries: Sample[]) => entries.at(-1)!.good - entries[0]!.good;
    expect(made(fast[0]!)).toBeLessThan(made(slow[0]!) / 10);

    const firstMinute = fast.flatMap((entries) =>
      entries.slice(1, 61).filter((entry, i) => entry.code !== entries[i]!.code),
    );
    expect(firstMinute.length).toBeGreaterThan(3);
  });

  it('takes a downloaded order once and produces its material after the next changeover', () => {
    const [machine] = createMachines(siteEquipment('Dresden').slice(0, 1), {
      seed: 5,
      start: START,
    });
    const order = {
      number: 'PO-1',
      material: 'PNL-2210 Door Inner Panel',
      quantity: 100,
      commandId: 'c1',
    };
    expect(machine!.download({ ...order, quantity: 0, commandId: 'c0' })).toBe(
      DOWNLOAD_STATUS.rejected,
    );
    expect(machine!.download(order)).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine!.download({ ...order, number: 'PO-2' })).toBe(DOWNLOAD_STATUS.duplicate);
    expect(machine!.order).toMatchObject({ number: 'PO-1', acceptedAt: new Date(START) });
    let at = START;
    while (machine!.state !== 'SETUP' && at < START + DAYS) machine!.step((at += MINUTE));
    expect(machine!.read('Program Name')).toBe('PRG_PNL_2210');
    expect(machine!.download({ ...order, commandId: 'c2' })).toBe(DOWNLOAD_STATUS.accepted);
  });

  it('rejects a speed that is not positive', () => {
    expect(() => createMachines(siteEquipment('Dresden'), { speed: 0 })).toThrow(/speed/);
  });
});

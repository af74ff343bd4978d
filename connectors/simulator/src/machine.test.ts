import { describe, expect, it } from 'vitest';
import { EQUIPMENT_TYPES, ORDER_STATES, type PlcState } from '@plantgraph/demo-catalog';
import { DOWNLOAD_STATUS, type Machine, type OrderDownload } from './machine.ts';
import { createMachines, siteEquipment } from './plant.ts';

const START = Date.UTC(2026, 10, 23, 6, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const plant = () => [...siteEquipment('Dresden'), ...siteEquipment('Lyon')];

const ORDER: OrderDownload = {
  number: 'PO-1',
  material: 'PNL-2210 Door Inner Panel',
  quantity: 100,
  commandId: 'c1',
  parameters: { 'Stroke Rate': 20, Tonnage: 400 },
};

/** Press 01 of Dresden: 12 parts a minute, so orders finish in plant minutes. */
function press(seed: number, options: { speed?: number } = {}): Machine {
  const equipment = siteEquipment('Dresden').filter((item) => item.spec.name === 'Press 01');
  const [machine] = createMachines(equipment, { seed, start: START, ...options });
  return machine!;
}

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

  it('takes a downloaded order once and changes over to its material at the next step', () => {
    const machine = press(5);
    expect(machine.download({ ...ORDER, quantity: 0, commandId: 'c0' })).toBe(
      DOWNLOAD_STATUS.rejected,
    );
    expect(machine.download(ORDER)).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine.download({ ...ORDER, number: 'PO-2' })).toBe(DOWNLOAD_STATUS.duplicate);
    expect(machine.order).toMatchObject({ number: 'PO-1', acceptedAt: new Date(START) });
    machine.step(START + 10 * SECOND);
    expect(machine).toMatchObject({ state: 'SETUP', reason: 'CHANGEOVER', since: new Date(START) });
    expect(machine.read('Program Name')).toBe('PRG_PNL_2210');
  });

  it('rejects a speed that is not positive', () => {
    expect(() => createMachines(siteEquipment('Dresden'), { speed: 0 })).toThrow(/speed/);
  });
});

interface OrderSample {
  at: number;
  state: PlcState;
  since: number;
  parts: number;
  orderState: number;
  orderGood: number;
  orderReject: number;
  commandId: string;
}

function orderSample(machine: Machine): OrderSample {
  return {
    at: machine.time.getTime(),
    state: machine.state,
    since: machine.since.getTime(),
    parts: machine.goodCount + machine.rejectCount,
    orderState: machine.orderState,
    orderGood: machine.orderGood,
    orderReject: machine.orderReject,
    commandId: machine.activeCommandId,
  };
}

/** Steps from the machine's time until `done` holds or a plant day passed; samples every step. */
function runUntil(machine: Machine, every: number, done: () => boolean): OrderSample[] {
  const samples = [orderSample(machine)];
  const end = machine.time.getTime() + DAYS / 2;
  for (let at = machine.time.getTime() + every; !done() && at <= end; at += every) {
    machine.step(at);
    samples.push(orderSample(machine));
  }
  return samples;
}

const HOUR = 60 * MINUTE;

describe('order execution', () => {
  it('runs an accepted order to completion, counting parts to it only while it runs', () => {
    const machine = press(7);
    machine.step(START + HOUR);
    const quantity = 1200;
    expect(machine.orderState).toBe(ORDER_STATES.NONE);
    expect(machine.download({ ...ORDER, quantity })).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine.orderState).toBe(ORDER_STATES.DOWNLOADED);
    expect(machine.activeCommandId).toBe('c1');

    const samples = runUntil(machine, 10 * SECOND, () => machine.orderState === 3);
    const after = runUntil(machine, 10 * SECOND, () => machine.state === 'SETUP');
    expect(samples[1]).toMatchObject({ state: 'SETUP', since: START + HOUR, orderState: 1 });
    const running = samples.find((sample) => sample.orderState === ORDER_STATES.RUNNING)!;
    expect(running.state).toBe('RUNNING');
    expect([1, 2, 3].map((minutes) => START + HOUR + minutes * MINUTE)).toContain(running.since);

    const problems: string[] = [];
    [...samples, ...after.slice(1)].slice(1).forEach((current, i, all) => {
      const previous = i === 0 ? samples[0]! : all[i - 1]!;
      const made = current.parts - previous.parts;
      const counted =
        current.orderGood + current.orderReject - previous.orderGood - previous.orderReject;
      const both = (state: number) => previous.orderState === state && current.orderState === state;
      if (current.orderGood < previous.orderGood || current.orderReject < previous.orderReject) {
        problems.push(`order counts went back at ${current.at}`);
      }
      if (both(ORDER_STATES.RUNNING) ? counted !== made : counted > made) {
        problems.push(`${counted} of ${made} parts counted to the order at ${current.at}`);
      }
      if (previous.orderState === ORDER_STATES.COMPLETE && counted !== 0) {
        problems.push(`parts counted to a complete order at ${current.at}`);
      }
    });
    expect(problems).toEqual([]);

    const done = samples.at(-1)!;
    expect(done).toMatchObject({ orderState: ORDER_STATES.COMPLETE, orderGood: quantity });
    expect(done.orderReject).toBeGreaterThan(0);
    expect(done.orderReject).toBeLessThan(quantity * EQUIPMENT_TYPES.press.rejectRate * 3);
    const interrupted = samples.filter(
      (sample) => sample.orderState === ORDER_STATES.RUNNING && sample.state !== 'RUNNING',
    );
    expect(new Set(interrupted.map((sample) => sample.state)).size).toBeGreaterThan(0);
    expect(interrupted.map((sample) => sample.state)).not.toContain('SETUP');
    // After the order the machine runs on and changes over of its own accord.
    expect(after.at(-1)).toMatchObject({ state: 'SETUP', orderState: 3, orderGood: quantity });
    expect(after.at(-1)!.parts).toBeGreaterThan(done.parts);
    expect(machine.read('Part Count')).toBe(machine.goodCount + machine.rejectCount);
  });

  it('rejects another order while one is downloaded or running, takes it once complete', () => {
    const machine = press(8);
    const next = { ...ORDER, number: 'PO-2', commandId: 'c2' };
    expect(machine.download({ ...ORDER, quantity: 24 })).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine.download(next)).toBe(DOWNLOAD_STATUS.rejected);
    expect(machine.rejection(next)).toMatch(/busy with order PO-1/);
    runUntil(machine, 10 * SECOND, () => machine.orderState === ORDER_STATES.RUNNING);
    expect(machine.download(next)).toBe(DOWNLOAD_STATUS.rejected);
    expect(machine.order?.commandId).toBe('c1');
    runUntil(machine, 10 * SECOND, () => machine.orderState === ORDER_STATES.COMPLETE);
    expect(machine.rejection(next)).toBeNull();
    expect(machine.download(next)).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine).toMatchObject({
      orderState: ORDER_STATES.DOWNLOADED,
      activeCommandId: 'c2',
      orderGood: 0,
      orderReject: 0,
    });
  });

  it('rejects parameters the type does not have or outside their range', () => {
    const machine = press(9);
    const rejected: Record<string, number>[] = [
      { 'Stroke Rate': 40.5 },
      { Tonnage: 49 },
      { 'Stroke Rate': Number.NaN },
      { 'Weld Current': 10 },
      { StrokeRate: 20 },
    ];
    for (const parameters of rejected) {
      expect(machine.download({ ...ORDER, parameters })).toBe(DOWNLOAD_STATUS.rejected);
    }
    expect(machine.rejection({ ...ORDER, parameters: { Tonnage: 900 } })).toBe(
      'Tonnage must be within 50..800 t, got 900',
    );
    expect(machine).toMatchObject({ order: null, orderState: 0, activeCommandId: '' });
    // A rejected command id may be sent again, corrected; bounds are inclusive, none required.
    const bounds = { 'Stroke Rate': 40, Tonnage: 50 };
    expect(machine.download({ ...ORDER, parameters: bounds })).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine.order?.parameters).toEqual(bounds);
    const other = press(9);
    expect(other.download({ ...ORDER, parameters: {} })).toBe(DOWNLOAD_STATUS.accepted);
  });

  it('answers a repeated command id with duplicate and changes nothing', () => {
    const machine = press(10);
    expect(machine.download({ ...ORDER, quantity: 24 })).toBe(DOWNLOAD_STATUS.accepted);
    machine.step(START + 2 * MINUTE);
    const order = machine.order;
    const before = orderSample(machine);
    const retry = { ...ORDER, number: 'PO-9', quantity: 5, parameters: { Tonnage: 1 } };
    expect(machine.download(retry)).toBe(DOWNLOAD_STATUS.duplicate);
    expect(machine.order).toBe(order);
    expect(orderSample(machine)).toEqual(before);
    runUntil(machine, 10 * SECOND, () => machine.orderState === ORDER_STATES.COMPLETE);
    const complete = orderSample(machine);
    expect(machine.download(retry)).toBe(DOWNLOAD_STATUS.duplicate);
    expect(orderSample(machine)).toEqual(complete);
  });

  it('executes orders the same for the same seed and download times, whatever the step size', () => {
    const history = (every: number) => {
      const machine = press(11);
      const samples: OrderSample[] = [];
      for (let at = START; at <= START + 8 * HOUR; at += every) {
        machine.step(at);
        if (at === START + HOUR) machine.download({ ...ORDER, quantity: 500 });
        if ((at - START) % (10 * MINUTE) === 0) samples.push(orderSample(machine));
      }
      return samples;
    };
    const fine = history(MINUTE);
    expect(history(MINUTE)).toEqual(fine);
    expect(history(10 * MINUTE)).toEqual(fine);
    expect(fine.at(-1)).toMatchObject({ orderState: ORDER_STATES.COMPLETE, orderGood: 500 });
  });

  it('stops a running order on abort: no more parts count to it, the machine changes over', () => {
    const machine = press(13);
    expect(machine.download({ ...ORDER, quantity: 100_000 })).toBe(DOWNLOAD_STATUS.accepted);
    runUntil(machine, 10 * SECOND, () => machine.orderGood > 10);
    expect(machine.orderState).toBe(ORDER_STATES.RUNNING);
    const abort = { commandId: 'a1', orderCommandId: 'c1' };
    expect(machine.abortRejection(abort)).toBeNull();
    expect(machine.abort(abort)).toBe(DOWNLOAD_STATUS.accepted);
    const aborted = orderSample(machine);
    expect(aborted.orderState).toBe(ORDER_STATES.ABORTED);

    const after = runUntil(machine, 10 * SECOND, () => machine.state !== 'RUNNING');
    expect(after.at(-1)!.state).toMatch(/^(SETUP|MAINTENANCE)$/);
    runUntil(machine, 10 * SECOND, () => machine.goodCount > aborted.parts + 50);
    expect(machine).toMatchObject({
      orderState: ORDER_STATES.ABORTED,
      orderGood: aborted.orderGood,
      orderReject: aborted.orderReject,
      activeCommandId: 'c1',
    });
    // A retry of the abort changes nothing; a new order is taken.
    expect(machine.abort({ commandId: 'a2', orderCommandId: 'c1' })).toBe(
      DOWNLOAD_STATUS.duplicate,
    );
    const next = { ...ORDER, number: 'PO-2', commandId: 'c2', quantity: 5 };
    expect(machine.download(next)).toBe(DOWNLOAD_STATUS.accepted);
    expect(machine.orderState).toBe(ORDER_STATES.DOWNLOADED);
  });

  it('withdraws a downloaded order before it starts', () => {
    const machine = press(14);
    expect(machine.download({ ...ORDER, quantity: 24 })).toBe(DOWNLOAD_STATUS.accepted);
    machine.step(START + SECOND);
    expect(machine.state).toBe('SETUP');
    expect(machine.abort({ commandId: 'a1', orderCommandId: 'c1' })).toBe(DOWNLOAD_STATUS.accepted);
    runUntil(machine, 10 * SECOND, () => machine.goodCount > 1000);
    expect(machine).toMatchObject({ orderState: ORDER_STATES.ABORTED, orderGood: 0 });
  });

  it('refuses an abort of another order, of none, or of a complete one, saying why', () => {
    const machine = press(15);
    const abort = { commandId: 'a1', orderCommandId: 'c1' };
    expect(machine.abort(abort)).toBe(DOWNLOAD_STATUS.rejected);
    expect(machine.abortRejection(abort)).toBe('the machine holds no order, not command c1');
    expect(machine.download({ ...ORDER, quantity: 2 })).toBe(DOWNLOAD_STATUS.accepted);
    const other = { commandId: 'a2', orderCommandId: 'c9' };
    expect(machine.abort(other)).toBe(DOWNLOAD_STATUS.rejected);
    expect(machine.abortRejection(other)).toBe('the machine holds order PO-1 (c1), not command c9');
    expect(machine.abortRejection({ commandId: ' ', orderCommandId: 'c1' })).toBe(
      'commandId is missing',
    );
    runUntil(machine, 10 * SECOND, () => machine.orderState === ORDER_STATES.COMPLETE);
    expect(machine.abort(abort)).toBe(DOWNLOAD_STATUS.rejected);
    expect(machine.abortRejection(abort)).toBe('order PO-1 is already complete');
    expect(machine.orderState).toBe(ORDER_STATES.COMPLETE);
  });

  it('completes an order in real seconds at a high speed, parts coming at the real-time rate', () => {
    const machine = press(12, { speed: 600 });
    expect(machine.download({ ...ORDER, quantity: 2 })).toBe(DOWNLOAD_STATUS.accepted);
    const samples = runUntil(machine, 100, () => machine.orderState === ORDER_STATES.COMPLETE);
    expect(machine.orderGood).toBe(2);
    expect(samples.at(-1)!.at - START).toBeLessThan(MINUTE);
  });
});

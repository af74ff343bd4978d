import DataLoader from 'dataloader';
import { indexBy, loader, NotFoundError, parseId, type GraphContext } from '@plantgraph/graph';
import { allCharacteristics, characteristicsByIds } from '@plantgraph/quality-domain';
import { Characteristic } from './characteristic.type.ts';

/** Characteristics by id, batched per request; null for unknown ids. */
export const characteristicById = (context: GraphContext) =>
  new DataLoader<string, Characteristic | null>(async (ids) => {
    const rows = await characteristicsByIds(context.sql, ids);
    return indexBy(ids, rows.map(Characteristic.fromRow), (characteristic) => characteristic.id);
  });

/** The characteristic `argument` names; BAD_USER_INPUT when malformed, NOT_FOUND when unknown. */
export async function requireCharacteristic(
  context: GraphContext,
  id: string,
  argument = 'id',
): Promise<Characteristic> {
  const characteristic = await loader(context, characteristicById).load(
    parseId(id, argument, 'Characteristic'),
  );
  if (!characteristic) throw new NotFoundError('Characteristic', id, argument);
  return characteristic;
}

export async function listCharacteristics(context: GraphContext): Promise<Characteristic[]> {
  return (await allCharacteristics(context.sql)).map(Characteristic.fromRow);
}

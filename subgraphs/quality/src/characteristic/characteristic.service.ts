import DataLoader from 'dataloader';
import { indexBy, loader, NotFoundError, parseId, type GraphContext } from '@plantgraph/graph';
import { Characteristic, type CharacteristicRow } from './characteristic.type.ts';

const columns = 'id, name, unit, lsl, target, usl, description';

export const characteristicById = (context: GraphContext) =>
  new DataLoader<string, Characteristic | null>(async (ids) => {
    const rows = await context.sql.query<CharacteristicRow>(
      `select ${columns} from quality_characteristic where id = any($1::uuid[])`,
      [ids],
    );
    return indexBy(ids, rows.map(Characteristic.fromRow), (characteristic) => characteristic.id);
  });

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
  const rows = await context.sql.query<CharacteristicRow>(
    `select ${columns} from quality_characteristic order by name`,
  );
  return rows.map(Characteristic.fromRow);
}

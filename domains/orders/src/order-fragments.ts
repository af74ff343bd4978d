/**
 * SQL the orders domain builds for other domains' statements, so that production_order is named
 * only here. OEE needs the material of the order parts were counted for (ideal cycle times are
 * per machine and material) and joins it so that increments are summed in the database.
 */
export function orderMaterialJoin(alias: string, orderIdColumn: string): string {
  return `left join production_order ${alias} on ${alias}.id = ${orderIdColumn}`;
}

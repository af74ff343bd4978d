/**
 * OEE's one read of another domain's table. production_order belongs to domains/orders; the
 * ideal cycle time of counted parts depends on the material of the order they were counted
 * for, and the count statement joins it so that increments are summed in the database. Until
 * the orders domain offers that lookup (or ideal cycle times are stamped on the increments),
 * this join is the only place here that names the table.
 */
export function orderMaterialJoin(alias: string, orderIdColumn: string): string {
  return `left join production_order ${alias} on ${alias}.id = ${orderIdColumn}`;
}

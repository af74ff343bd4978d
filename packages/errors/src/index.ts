export { ERROR_CODES, httpStatusOf, isErrorCode, type ErrorCode, type LimitCode } from './codes.ts';
export { fromDatabaseError } from './database-errors.ts';
export {
  AuthenticationError,
  BadUserInputError,
  ConflictError,
  errorBody,
  InternalServerError,
  LimitError,
  NotFoundError,
  PlantgraphError,
} from './plantgraph-error.ts';

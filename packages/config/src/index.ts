export { loadConfig, ConfigError, port, optionalUrl } from './load-config.ts';
export { createLogger, type Logger } from './logger.ts';
export { platformVersion } from './version.ts';
export { exitOnStartupError } from './fail-fast.ts';
export { closeOnSignals } from './shutdown.ts';

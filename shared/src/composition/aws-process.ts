import {
  ConfigError,
  loadConfig,
  requireAwsConfig,
  requireGuestTokenSecret,
  requireRedisConfig,
  type AwsConfig,
  type Config,
} from '../config.js';
import { createLogger } from '../logger.js';

/**
 * Start-up of a production process: the parsed config, its AWS settings and its logger. A
 * missing or invalid variable is logged, named, and the process exits 1 before doing anything.
 */
export function configureAwsProcess(
  mode: 'api' | 'worker',
  needed?: Parameters<typeof requireAwsConfig>[1],
): { config: Config; aws: AwsConfig; logger: ReturnType<typeof createLogger> } {
  let config: Config | undefined;
  try {
    config = loadConfig();
    const loaded = config;
    // Name every missing variable at once, not one per attempt to start.
    const problems: string[] = [];
    for (const check of [
      () => requireAwsConfig(loaded, needed),
      () => requireRedisConfig(loaded),
      ...(mode === 'api' ? [() => requireGuestTokenSecret(loaded)] : []),
    ]) {
      try {
        check();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(error.message);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems.join(' '));
    const aws = requireAwsConfig(config, needed);
    return { config, aws, logger: createLogger(config.LOG_LEVEL, { service: 'iscoolgpt', mode }) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger(config?.LOG_LEVEL ?? 'info', { service: 'iscoolgpt', mode }).fatal(
      {},
      `cannot start: ${error.message}`,
    );
    process.exit(1);
  }
}

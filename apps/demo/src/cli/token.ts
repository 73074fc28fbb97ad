import { signDemoToken } from '../auth/demo-jwt.js';
import { DemoConfigError, loadDemoConfig } from '../config/demo-config.js';
import { parseTokenArgs, TOKEN_USAGE, TokenUsageError } from './parse-token-args.js';

/**
 * `npm run demo:token -- --admin`: prints a signed JWT, and only the JWT on
 * stdout, so that `TOKEN=$(npm run -s demo:token -- --admin)` works.
 */
async function main(): Promise<number> {
  let request;
  try {
    request = parseTokenArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof TokenUsageError)) throw error;
    console.error(`demo:token: ${error.message}\n\n${TOKEN_USAGE}`);
    return 2;
  }
  if (request === 'help') {
    console.log(TOKEN_USAGE);
    return 0;
  }
  console.log(await signDemoToken(request, loadDemoConfig().jwtSecret));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof DemoConfigError ? `demo:token: ${error.message}` : error);
    process.exit(1);
  },
);

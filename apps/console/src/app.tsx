import type { Credentials } from './auth/sign-in';
import { SignInPage } from './auth/sign-in-page';

// Replaced by `trpc.auth.login` once src/trpc.ts is wired to the API's router type.
async function signIn(_credentials: Credentials): Promise<void> {
  throw new Error('The console is not connected to the API yet.');
}

export function App() {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <a className="brand" href="/">
          <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
            <path d="M8 12.5 16 8l8 4.5v9L16 26l-8-4.5zM8 12.5 16 17l8-4.5M16 17v9" />
          </svg>
          <span className="brand__name">Stockroom</span>
        </a>
        <span className="app-header__tagline">Warehouse console</span>
      </header>
      <main className="app-main" id="main">
        <SignInPage onSubmit={signIn} showDemoHint={import.meta.env.DEV} />
      </main>
    </div>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { Redirect, useLocation, useSearchParams } from 'wouter';
import { safeNext } from './permissions';
import { requestSession } from './session-api';
import { useSession, useSessionStore } from './session-context';
import type { Credentials } from './sign-in';
import { SignInPage } from './sign-in-page';

export function SignInRoute() {
  const store = useSessionStore();
  const { session, ended } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));

  if (session) return <Redirect to={next} replace />;

  async function signIn(credentials: Credentials) {
    const result = await requestSession(credentials);
    // Nothing cached for a previous user may leak into this session.
    queryClient.clear();
    store.signIn(result);
    navigate(next, { replace: true });
  }

  const notice =
    ended === 'expired'
      ? 'Your session expired. Sign in again to carry on where you were.'
      : ended === 'signed-out'
        ? 'You are signed out.'
        : null;

  return <SignInPage onSubmit={signIn} notice={notice} showDemoHint={import.meta.env.DEV} />;
}

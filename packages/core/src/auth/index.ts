/** Who may act: users and passwords, sessions, service tokens, the first admin and the operator's tools. */
export { findDemoCredentials, refuseDemoCredentials } from './demo.js';
export {
  disableUser,
  ensureFirstAdmin,
  resetPassword,
  SYSTEM_CLI,
} from './operator.js';
export {
  isCommonPassword,
  isContextPassword,
  ZPassword,
} from './passwords.js';
export {
  authenticateServiceToken,
  createServiceToken,
  listServiceTokens,
  revokeServiceToken,
  rotateServiceToken,
  SERVICE_SCOPES,
  serviceTokenPrincipal,
  ZCreateServiceTokenInput,
  ZListServiceTokensInput,
  ZRotateServiceTokenInput,
  ZServiceTokenIdInput,
} from './service-tokens.js';
export {
  openSession,
  pruneSessions,
  revokeSession,
  sessionActor,
} from './sessions.js';
export {
  authenticate,
  createUser,
  getUser,
  listUsers,
  registerBuyer,
  updateUser,
  ZCreateUserInput,
  ZLoginInput,
  ZRegisterInput,
  ZUpdateUserInput,
} from './users.js';

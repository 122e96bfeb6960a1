/** Who may act: users and passwords, sessions, service tokens, the first admin and the operator's tools. */
export { findDemoCredentials, refuseDemoCredentials } from './demo.js';
export {
  disableUser,
  ensureFirstAdmin,
  type FirstAdminOutcome,
  resetPassword,
  SYSTEM_CLI,
  ZFirstAdminInput,
  ZResetPasswordInput,
  ZUserEmailInput,
} from './operator.js';
export {
  isCommonPassword,
  isContextPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  ZPassword,
} from './passwords.js';
export {
  authenticateServiceToken,
  createServiceToken,
  DEFAULT_GRACE_SECONDS,
  generateServiceToken,
  type IssuedServiceToken,
  listServiceTokens,
  MAX_GRACE_SECONDS,
  revokeServiceToken,
  rotateServiceToken,
  SERVICE_SCOPES,
  type ServiceTokenDto,
  ZCreateServiceTokenInput,
  ZListServiceTokensInput,
  ZRotateServiceTokenInput,
  ZServiceScope,
  ZServiceTokenIdInput,
  ZServiceTokenName,
} from './service-tokens.js';
export {
  type NewSession,
  openSession,
  pruneSessions,
  revokeSession,
  revokeUserSessions,
  sessionActor,
} from './sessions.js';
export {
  actorOf,
  authenticate,
  createUser,
  getUser,
  listUsers,
  registerBuyer,
  type UserDto,
  updateUser,
  ZCreateUserInput,
  ZEmail,
  ZLoginInput,
  ZRegisterInput,
  ZRole,
  ZUpdateUserInput,
} from './users.js';

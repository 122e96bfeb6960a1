/** Who may act: users and passwords, sessions, service tokens, the first admin and the operator's tools. */
export { findDemoCredentials, refuseDemoCredentials } from './demo.js';
export {
  disableUser,
  ensureFirstAdmin,
  type FirstAdminOutcome,
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
  type IssuedServiceToken,
  listServiceTokens,
  revokeServiceToken,
  rotateServiceToken,
  SERVICE_SCOPES,
  type ServiceTokenDto,
  ZCreateServiceTokenInput,
  ZListServiceTokensInput,
  ZRotateServiceTokenInput,
  ZServiceTokenIdInput,
} from './service-tokens.js';
export {
  type NewSession,
  openSession,
  revokeSession,
  sessionActor,
} from './sessions.js';
export {
  authenticate,
  createUser,
  getUser,
  listUsers,
  registerBuyer,
  type UserDto,
  updateUser,
  ZCreateUserInput,
  ZLoginInput,
  ZRegisterInput,
  ZUpdateUserInput,
} from './users.js';

export * from './dispatch.js';
export * from './rotate.js';
export * from './schemas.js';
export * from './secrets.js';
export * from './url-policy.js';
export * from './webhooks.js';

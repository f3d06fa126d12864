export { loadProxyConfig, validateProxyConfig } from './config/load-proxy-config';
export { startProxy, type RunningProxy, type StartProxyOptions } from './proxy-server';

/**
 * ParqEx docs, API Endpoints: the cards print `/oauth/v1/endpoints/<name>` (Toggle as
 * `/oauth/v1/endpoint/toggle`), the raw examples `/api/oauth/v1/endpoints/<name>`. Every spelling
 * routes to the same handler; trailing slashes are handled by the router (ignoreTrailingSlash).
 */
export function documentedPaths(name: string): string[] {
  return ['endpoints', 'endpoint'].flatMap((segment) => [
    `/oauth/v1/${segment}/${name}`,
    `/api/oauth/v1/${segment}/${name}`,
  ]);
}

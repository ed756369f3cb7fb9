/** One entity to name: a key that is unique within its kind (its ids) and the name it would like. */
export interface NameRequest {
  key: string;
  preferred: string;
}

/**
 * A resource name for every request, unique among them and the same for the same requests in any
 * order: each gets its preferred name when no other request prefers it too; requests that share
 * one get `<preferred>-<key>` (keys are unique). Should such a name still be taken (another
 * request prefers exactly it), a `-2`, `-3`, … suffix follows, given in key order.
 */
export function uniqueNames(requests: readonly NameRequest[]): Map<string, string> {
  const sorted = [...requests].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const wanted = new Map<string, number>();
  for (const { preferred } of sorted) wanted.set(preferred, (wanted.get(preferred) ?? 0) + 1);
  const alone = sorted.filter(({ preferred }) => wanted.get(preferred) === 1);
  const shared = sorted.filter(({ preferred }) => wanted.get(preferred) !== 1);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const claim = (key: string, name: string) => {
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name}-${n}`;
    taken.add(unique);
    names.set(key, unique);
  };
  for (const { key, preferred } of alone) claim(key, preferred);
  for (const { key, preferred } of shared) claim(key, `${preferred}-${key}`);
  return names;
}

/** The resource name an organization would like: its slug, or its id when it has none. */
export function organizationName(organization: { id: string; slug: string | null }): string {
  return organization.slug ?? organization.id;
}

/** The resource name a membership would like: `<organization name>-<userId>`. */
export function membershipName(organization: { id: string; slug: string | null }, userId: string): string {
  return `${organizationName(organization)}-${userId}`;
}

/**
 * The stack config key (in namespace `clerk-private`) that holds an entity's private metadata:
 * made only of its ids, `org_…`, `user_…` or `org_…-user_…`, so it never carries a name or a value.
 */
export function privateConfigKey(ids: { organizationId?: string; userId?: string }): string {
  return [ids.organizationId, ids.userId].filter((id) => id !== undefined).join("-");
}

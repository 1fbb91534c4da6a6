/** Who acts on doors: a signed-in person on a page, or an application on their behalf. */
export interface Actor {
  userId: string;
  accountId: string;
  role: 'admin' | 'user';
}

/** Spec §5.3: `Owner` for the Admin of the account that owns the device, else `Has Access`. */
export type Relationship = 'Owner' | 'Has Access';

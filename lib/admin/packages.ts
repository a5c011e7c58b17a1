import { MoneyFormatError, parseCredits, parseDecimal } from "../money";
import { bumpConfigVersion } from "../db/change-feed";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

export interface AddPackageInput {
  name: string;
  /** what the customer pays, in the currency's main unit ("10" or "9.99") */
  price: string;
  currency?: string;
  /** credits the customer gets */
  credits: string;
  /** the customer group buying it moves the customer into */
  groupId?: string;
}

/** A package's fields checked: name, ISO currency, price in cents and credits in micro-credits. */
export function checkPackage(input: AddPackageInput) {
  const name = input.name.trim();
  if (!name) throw new AdminError("package name must not be empty");
  const currency = (input.currency ?? "usd").toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw new AdminError("currency must be a three-letter ISO code");
  let priceCents: bigint;
  let credits: bigint;
  try {
    priceCents = parseDecimal(input.price, 2, "price");
    credits = parseCredits(input.credits);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
  if (priceCents <= 0n || credits <= 0n) throw new AdminError("price and credits must be greater than zero");
  return { name, currency, priceCents: Number(priceCents), creditsMicrocredits: credits };
}

/** A credit package customers can buy with Stripe Checkout. */
export async function addPackage(input: AddPackageInput, actor: Actor) {
  const data = checkPackage(input);
  return transaction(async (tx) => {
    if (input.groupId && !(await tx.customerGroup.findUnique({ where: { id: input.groupId } }))) throw new AdminError(`no customer group ${input.groupId}`, "not_found");
    const pack = await tx.creditPackage.create({ data: { ...data, groupId: input.groupId ?? null } });
    await audit(tx, actor, "package.add", pack.id, { ...input, currency: data.currency });
    await bumpConfigVersion(tx);
    return pack;
  });
}

/** Credit packages in the order customers see them; `onSale` leaves out the disabled ones. */
export const listPackages = (options: { onSale?: boolean } = {}) =>
  db().creditPackage.findMany({ where: options.onSale ? { enabled: true } : {}, orderBy: [{ sortOrder: "asc" }, { priceCents: "asc" }] });

import { redeemCode, type Redemption } from "../billing/codes";
import { ApiError } from "../http/api-error";
import { onceFor } from "../http/idempotency";
import { formatCredits } from "../money";
import { consume, giveBack, Throttled } from "./throttle";

// A customer redeeming a code, from the billing page or POST /api/billing/redeem. Codes are guessed
// by trying them, so every attempt counts against the user's throttle before the code is looked up,
// and a redeemed code gives its attempt back: only failures add up.

/** What the customer is told about a redemption. */
const redemptionAnswer = (redemption: Redemption) => ({
  credits: formatCredits(redemption.amountMicrocredits),
  creditsExpireAt: redemption.creditsExpireAt,
});

async function countAttempt(userId: string): Promise<void> {
  try {
    await consume("codeRedemption", userId);
  } catch (error) {
    if (!(error instanceof Throttled)) throw error;
    throw new ApiError({ status: 429, type: "rate_limit_error", code: "too_many_attempts", message: error.message, headers: { "retry-after": String(error.retryAfterSeconds) } });
  }
}

/** Redeems a code into the account the user spends from; a refusal is thrown, as an ApiError the customer may read. */
export async function redeemAsCustomer(userId: string, code: string) {
  await countAttempt(userId);
  const answer = redemptionAnswer(await redeemCode(userId, code));
  await giveBack("codeRedemption", userId);
  return answer;
}

/**
 * The same under an Idempotency-Key: the first answer (a refusal included) is kept, and a retry gets
 * it again without redeeming, so a code good for several redemptions is not spent twice by a retry.
 * The throttle counts before the key is looked at: a throttled request leaves no answer behind.
 */
export async function redeemOnceForKey(userId: string, code: string, idempotencyKey: string) {
  await countAttempt(userId);
  const answer = await onceFor(`user:${userId}`, idempotencyKey, { method: "POST", path: "/api/billing/redeem", body: { code } }, async () => ({
    status: 200,
    body: redemptionAnswer(await redeemCode(userId, code)),
  }));
  if (answer.status === 200) await giveBack("codeRedemption", userId);
  return answer;
}

import { MODES, writeSetting, type Mode } from "../settings";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { transaction } from "../db/transaction";

export async function setMode(mode: string, actor: Actor): Promise<Mode> {
  if (!MODES.includes(mode as Mode)) throw new AdminError(`mode must be one of: ${MODES.join(", ")}`);
  await transaction(async (tx) => {
    await writeSetting(tx, "mode", mode as Mode);
    await audit(tx, actor, "settings.mode", null, { mode });
  });
  return mode as Mode;
}

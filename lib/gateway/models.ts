import type { Principal } from "./authenticate";
import { ApiError } from "../http/api-error";
import { registry, type ModelEntry } from "./registry";
import { groupOf, mayUse } from "./route";

function modelObject(model: ModelEntry) {
  return { id: model.name, object: "model", created: Math.floor(model.createdAt.getTime() / 1000), owned_by: model.ownedBy };
}

// GET /v1/models — the public models this key (and the caller's group) may use
export async function listModels(principal: Principal) {
  const reg = await registry();
  const group = groupOf(reg, principal);
  return { object: "list", data: reg.publicModels.filter((m) => mayUse(principal, group, m.name)).map(modelObject) };
}

// GET /v1/models/{model}
export async function retrieveModel(principal: Principal, name: string) {
  const reg = await registry();
  const model = reg.models.get(name);
  if (!model || !mayUse(principal, groupOf(reg, principal), model.name)) {
    throw new ApiError({ status: 404, type: "not_found_error", code: "model_not_found", param: "model", message: `The model '${name}' does not exist.` });
  }
  return modelObject(model);
}

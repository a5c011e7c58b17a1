import type { Principal } from "./authenticate";
import { ApiError } from "../http/api-error";
import { registry, type ModelEntry } from "./registry";

function modelObject(model: ModelEntry) {
  return { id: model.name, object: "model", created: Math.floor(model.createdAt.getTime() / 1000), owned_by: model.ownedBy };
}

// GET /v1/models — the public models this key may use
export async function listModels(principal: Principal) {
  const { publicModels } = await registry();
  return { object: "list", data: publicModels.filter((m) => principal.allowedModels(m.name)).map(modelObject) };
}

// GET /v1/models/{model}
export async function retrieveModel(principal: Principal, name: string) {
  const model = (await registry()).models.get(name);
  if (!model || !principal.allowedModels(model.name)) {
    throw new ApiError({ status: 404, type: "not_found_error", code: "model_not_found", param: "model", message: `The model '${name}' does not exist.` });
  }
  return modelObject(model);
}

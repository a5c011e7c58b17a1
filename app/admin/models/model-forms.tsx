"use client";

import { useTranslations } from "next-intl";
import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import type { PresentedPrice } from "@/lib/billing/price-list";
import { MODEL_TYPES } from "@/lib/canonical/model-types";
import { ROUTING_STRATEGIES } from "@/lib/gateway/route-stats";
import { addAliasAction, addDeploymentAction, addModelAction, setPriceAction, setRoutingAction } from "./actions";

function PriceFields({ current }: { current?: PresentedPrice | null }) {
  const t = useTranslations("adminCatalog.models.forms");
  return (
    <div className="grid grid-cols-2 gap-3">
      <Field name="inputUsdPer1M" label={t("input")} placeholder={current?.cost.inputUsdPer1M ?? "0.15"} inputMode="decimal" />
      <Field name="outputUsdPer1M" label={t("output")} placeholder={current?.cost.outputUsdPer1M ?? "0.60"} inputMode="decimal" />
      <Field name="cachedInputUsdPer1M" label={t("cachedInput")} placeholder={current?.cost.cachedInputUsdPer1M ?? ""} inputMode="decimal" />
      <Field name="cacheWriteUsdPer1M" label={t("cacheWrite")} placeholder={current?.cost.cacheWriteUsdPer1M ?? ""} inputMode="decimal" />
      <Field name="imageUsd" label={t("image")} placeholder={current?.cost.imageUsd ?? ""} inputMode="decimal" />
      <Field name="audioUsdPerMinute" label={t("audio")} placeholder={current?.cost.audioUsdPerMinute ?? ""} inputMode="decimal" />
      <Field name="charactersUsdPer1M" label={t("characters")} placeholder={current?.cost.charactersUsdPer1M ?? ""} inputMode="decimal" />
      <Field name="videoUsdPerSecond" label={t("video")} placeholder={current?.cost.videoUsdPerSecond ?? ""} inputMode="decimal" />
      <Field name="marginPercent" label={t("margin")} placeholder={current?.marginPercent ?? "0"} inputMode="decimal" />
    </div>
  );
}

export function AddModelDialog({ providers }: { providers: string[] }) {
  const t = useTranslations("adminCatalog.models.forms");
  return (
    <FormDialog trigger={t("addTrigger")} title={t("addTitle")} description={t("addDescription")} action={addModelAction}>
      <Field name="name" label={t("publicName")} placeholder="gpt-4o-mini" hint={t("publicNameHint")} />
      <SelectField name="provider" label={t("provider")} options={providers} />
      <Field name="upstreamModel" label={t("upstreamModel")} placeholder="gpt-4o-mini" />
      <SelectField name="type" label={t("type")} options={MODEL_TYPES.map((type) => ({ value: type, label: t(`types.${type}`) }))} />
      <Field name="maxOutputTokens" label={t("maxOutputTokens")} inputMode="numeric" hint={t("maxOutputTokensHint")} />
      <PriceFields />
      <SubmitButton>{t("addSubmit")}</SubmitButton>
    </FormDialog>
  );
}

export function PriceDialog({ model, current }: { model: string; current: PresentedPrice | null }) {
  const t = useTranslations("adminCatalog.models.forms");
  return (
    <FormDialog trigger={t("priceTrigger")} variant="outline" size="sm" title={t("priceTitle", { model })} description={t("priceDescription")} action={setPriceAction}>
      <input type="hidden" name="model" value={model} />
      <PriceFields current={current} />
      <Field name="effectiveFrom" label={t("effectiveFrom")} type="datetime-local" hint={t("effectiveFromHint")} />
      <SubmitButton>{t("priceSubmit")}</SubmitButton>
    </FormDialog>
  );
}

export function DeployDialog({ model, providers }: { model: string; providers: string[] }) {
  const t = useTranslations("adminCatalog.models.forms");
  return (
    <FormDialog trigger={t("deployTrigger")} variant="outline" size="sm" title={t("deployTitle", { model })} description={t("deployDescription")} action={addDeploymentAction}>
      <input type="hidden" name="model" value={model} />
      <SelectField name="provider" label={t("provider")} options={providers} />
      <Field name="upstreamModel" label={t("upstreamModel")} />
      <div className="grid grid-cols-2 gap-3">
        <Field name="priority" label={t("priority")} defaultValue="1" inputMode="numeric" />
        <Field name="weight" label={t("weight")} defaultValue="1" inputMode="numeric" />
      </div>
      <Field name="credential" label={t("credential")} placeholder={t("credentialPlaceholder")} />
      <div className="grid grid-cols-2 gap-3">
        <Field name="inputCostUsdPer1M" label={t("inputCost")} placeholder={t("costPlaceholder")} inputMode="decimal" />
        <Field name="outputCostUsdPer1M" label={t("outputCost")} placeholder={t("costPlaceholder")} inputMode="decimal" />
      </div>
      <SubmitButton>{t("deploySubmit")}</SubmitButton>
    </FormDialog>
  );
}

export function AliasDialog({ model }: { model: string }) {
  const t = useTranslations("adminCatalog.models.forms");
  return (
    <FormDialog trigger={t("aliasTrigger")} variant="outline" size="sm" title={t("aliasTitle", { model })} action={addAliasAction}>
      <input type="hidden" name="model" value={model} />
      <Field name="alias" label={t("alias")} placeholder="fast" />
      <SubmitButton>{t("aliasSubmit")}</SubmitButton>
    </FormDialog>
  );
}

export function RoutingDialog({ model, strategy }: { model: string; strategy: string }) {
  const t = useTranslations("adminCatalog.models");
  return (
    <FormDialog trigger={t("routing.trigger")} variant="outline" size="sm" title={t("routing.title", { model })} description={t("routing.description")} action={setRoutingAction}>
      <input type="hidden" name="model" value={model} />
      <SelectField name="strategy" label={t("routing.strategy")} defaultValue={strategy} options={ROUTING_STRATEGIES.map((s) => ({ value: s, label: t(`routing.strategies.${s}`) }))} />
      <SubmitButton>{t("routing.submit")}</SubmitButton>
    </FormDialog>
  );
}

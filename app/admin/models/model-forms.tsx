"use client";

import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import type { PresentedPrice } from "@/lib/billing/price-list";
import { addAliasAction, addDeploymentAction, addModelAction, setPriceAction } from "./actions";

function PriceFields({ current }: { current?: PresentedPrice | null }) {
  return (
    <div className="grid grid-cols-2 gap-3">
      <Field name="inputUsdPer1M" label="Input, USD / 1M" placeholder={current?.cost.inputUsdPer1M ?? "0.15"} inputMode="decimal" />
      <Field name="outputUsdPer1M" label="Output, USD / 1M" placeholder={current?.cost.outputUsdPer1M ?? "0.60"} inputMode="decimal" />
      <Field name="cachedInputUsdPer1M" label="Cached input, USD / 1M" placeholder={current?.cost.cachedInputUsdPer1M ?? ""} inputMode="decimal" />
      <Field name="cacheWriteUsdPer1M" label="Cache write, USD / 1M" placeholder={current?.cost.cacheWriteUsdPer1M ?? ""} inputMode="decimal" />
      <Field name="imageUsd" label="Per image, USD" placeholder={current?.cost.imageUsd ?? ""} inputMode="decimal" />
      <Field name="marginPercent" label="Margin %" placeholder={current?.marginPercent ?? "0"} inputMode="decimal" />
    </div>
  );
}

export function AddModelDialog({ providers }: { providers: string[] }) {
  return (
    <FormDialog trigger="Add model" title="Publish a model" description="Leave the cost empty to use the provider's list price when the hub knows the model." action={addModelAction}>
      <Field name="name" label="Public name" placeholder="gpt-4o-mini" hint="What clients send as model" />
      <SelectField name="provider" label="Provider" options={providers} />
      <Field name="upstreamModel" label="Upstream model" placeholder="gpt-4o-mini" />
      <SelectField name="type" label="Type" options={["chat", "embedding", "image"]} />
      <Field name="maxOutputTokens" label="Max output tokens (optional)" inputMode="numeric" hint="Caps what a call holds from a balance" />
      <PriceFields />
      <SubmitButton>Add model</SubmitButton>
    </FormDialog>
  );
}

export function PriceDialog({ model, current }: { model: string; current: PresentedPrice | null }) {
  return (
    <FormDialog trigger="Price" variant="outline" size="sm" title={`Price of ${model}`} description="Empty fields keep their current value. The old price stays in the history." action={setPriceAction}>
      <input type="hidden" name="model" value={model} />
      <PriceFields current={current} />
      <Field name="effectiveFrom" label="Takes effect at, UTC (empty: now)" type="datetime-local" hint="A call is charged the price in force when it starts." />
      <SubmitButton>Save price</SubmitButton>
    </FormDialog>
  );
}

export function DeployDialog({ model, providers }: { model: string; providers: string[] }) {
  return (
    <FormDialog trigger="Deploy" variant="outline" size="sm" title={`Another deployment of ${model}`} description="Lower priority is tried first; equal priorities share traffic by weight." action={addDeploymentAction}>
      <input type="hidden" name="model" value={model} />
      <SelectField name="provider" label="Provider" options={providers} />
      <Field name="upstreamModel" label="Upstream model" />
      <div className="grid grid-cols-2 gap-3">
        <Field name="priority" label="Priority" defaultValue="1" inputMode="numeric" />
        <Field name="weight" label="Weight" defaultValue="1" inputMode="numeric" />
      </div>
      <Field name="credential" label="Pin a key (optional)" placeholder="credential name" />
      <SubmitButton>Add deployment</SubmitButton>
    </FormDialog>
  );
}

export function AliasDialog({ model }: { model: string }) {
  return (
    <FormDialog trigger="Alias" variant="outline" size="sm" title={`Another name for ${model}`} action={addAliasAction}>
      <input type="hidden" name="model" value={model} />
      <Field name="alias" label="Alias" placeholder="fast" />
      <SubmitButton>Add alias</SubmitButton>
    </FormDialog>
  );
}

"use client";

import { useState } from "react";
import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { addCredentialAction, addProviderAction, updateProviderAction } from "./actions";

export interface ProviderTypeInfo {
  type: string;
  credential: "api_key" | "optional_api_key" | "aws";
  defaultBaseUrl: string | null;
  requiresRegion: boolean;
}

function SecretFields({ kind }: { kind: ProviderTypeInfo["credential"] }) {
  if (kind === "aws") {
    return (
      <>
        <Field name="accessKeyId" label="Access key id" autoComplete="off" />
        <Field name="secretAccessKey" label="Secret access key" type="password" autoComplete="off" />
      </>
    );
  }
  return <Field name="apiKey" label={kind === "optional_api_key" ? "API key (optional)" : "API key"} type="password" autoComplete="off" hint="Encrypted before it is stored; never shown again." />;
}

export function AddProviderDialog({ types }: { types: ProviderTypeInfo[] }) {
  const [type, setType] = useState(types[0]!.type);
  const info = types.find((t) => t.type === type)!;
  return (
    <FormDialog trigger="Add provider" title="Add a provider" description="Connect an upstream. Its key is encrypted at rest (AES-256-GCM)." action={addProviderAction}>
      <SelectField name="type" label="Type" value={type} onChange={(e) => setType(e.target.value)} options={types.map((t) => t.type)} />
      <Field name="name" label="Name" placeholder={type.replace("_", "-")} hint="Also the prefix of direct model names, e.g. name/model" />
      <Field name="baseUrl" label={info.defaultBaseUrl ? "Base URL (optional)" : "Base URL"} placeholder={info.defaultBaseUrl ?? "https://…/v1"} />
      {info.requiresRegion && <Field name="region" label="Region" placeholder="us-east-1" />}
      <SecretFields kind={info.credential} />
      <Field name="timeoutMs" label="Timeout (ms, optional)" inputMode="numeric" />
      <SubmitButton>Add provider</SubmitButton>
    </FormDialog>
  );
}

export function EditProviderDialog({ provider, info }: { provider: { name: string; baseUrl: string | null; region: string | null; timeoutMs: number | null }; info: ProviderTypeInfo }) {
  return (
    <FormDialog trigger="Edit" variant="outline" size="sm" title={`Edit ${provider.name}`} action={updateProviderAction}>
      <input type="hidden" name="name" value={provider.name} />
      <Field name="baseUrl" label="Base URL" defaultValue={provider.baseUrl ?? ""} placeholder={info.defaultBaseUrl ?? ""} />
      {info.requiresRegion && <Field name="region" label="Region" defaultValue={provider.region ?? ""} />}
      <Field name="timeoutMs" label="Timeout (ms)" defaultValue={provider.timeoutMs ?? ""} inputMode="numeric" />
      <SubmitButton>Save</SubmitButton>
    </FormDialog>
  );
}

export function AddCredentialDialog({ provider, kind }: { provider: string; kind: ProviderTypeInfo["credential"] }) {
  return (
    <FormDialog trigger="Add key" variant="outline" size="sm" title={`Another key for ${provider}`} description="Keys of a provider share traffic by weight." action={addCredentialAction}>
      <input type="hidden" name="provider" value={provider} />
      <Field name="name" label="Name" placeholder="backup" />
      <SecretFields kind={kind === "optional_api_key" ? "api_key" : kind} />
      <Field name="weight" label="Weight" defaultValue="1" inputMode="numeric" />
      <SubmitButton>Add key</SubmitButton>
    </FormDialog>
  );
}

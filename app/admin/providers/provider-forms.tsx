"use client";

import { useTranslations } from "next-intl";
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
  const t = useTranslations("adminCatalog.providers.forms");
  if (kind === "aws") {
    return (
      <>
        <Field name="accessKeyId" label={t("accessKeyId")} autoComplete="off" />
        <Field name="secretAccessKey" label={t("secretAccessKey")} type="password" autoComplete="off" />
      </>
    );
  }
  return <Field name="apiKey" label={kind === "optional_api_key" ? t("apiKeyOptional") : t("apiKey")} type="password" autoComplete="off" hint={t("apiKeyHint")} />;
}

export function AddProviderDialog({ types }: { types: ProviderTypeInfo[] }) {
  const [type, setType] = useState(types[0]!.type);
  const info = types.find((i) => i.type === type)!;
  const t = useTranslations("adminCatalog.providers.forms");
  return (
    <FormDialog trigger={t("addTrigger")} title={t("addTitle")} description={t("addDescription")} action={addProviderAction}>
      <SelectField name="type" label={t("type")} value={type} onChange={(e) => setType(e.target.value)} options={types.map((i) => i.type)} />
      <Field name="name" label={t("name")} placeholder={type.replace("_", "-")} hint={t("nameHint")} />
      <Field name="baseUrl" label={info.defaultBaseUrl ? t("baseUrlOptional") : t("baseUrl")} placeholder={info.defaultBaseUrl ?? "https://…/v1"} />
      {info.requiresRegion && <Field name="region" label={t("region")} placeholder="us-east-1" />}
      <SecretFields kind={info.credential} />
      <Field name="timeoutMs" label={t("timeoutOptional")} inputMode="numeric" />
      <SubmitButton>{t("addSubmit")}</SubmitButton>
    </FormDialog>
  );
}

export function EditProviderDialog({ provider, info }: { provider: { name: string; baseUrl: string | null; region: string | null; timeoutMs: number | null }; info: ProviderTypeInfo }) {
  const t = useTranslations("adminCatalog.providers.forms");
  return (
    <FormDialog trigger={t("editTrigger")} variant="outline" size="sm" title={t("editTitle", { name: provider.name })} action={updateProviderAction}>
      <input type="hidden" name="name" value={provider.name} />
      <Field name="baseUrl" label={t("baseUrl")} defaultValue={provider.baseUrl ?? ""} placeholder={info.defaultBaseUrl ?? ""} />
      {info.requiresRegion && <Field name="region" label={t("region")} defaultValue={provider.region ?? ""} />}
      <Field name="timeoutMs" label={t("timeout")} defaultValue={provider.timeoutMs ?? ""} inputMode="numeric" />
      <SubmitButton>{t("save")}</SubmitButton>
    </FormDialog>
  );
}

export function AddCredentialDialog({ provider, kind }: { provider: string; kind: ProviderTypeInfo["credential"] }) {
  const t = useTranslations("adminCatalog.providers.forms");
  return (
    <FormDialog trigger={t("keyTrigger")} variant="outline" size="sm" title={t("keyTitle", { provider })} description={t("keyDescription")} action={addCredentialAction}>
      <input type="hidden" name="provider" value={provider} />
      <Field name="name" label={t("name")} placeholder="backup" />
      <SecretFields kind={kind === "optional_api_key" ? "api_key" : kind} />
      <Field name="weight" label={t("weight")} defaultValue="1" inputMode="numeric" />
      <SubmitButton>{t("keySubmit")}</SubmitButton>
    </FormDialog>
  );
}

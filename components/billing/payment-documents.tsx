import { useTranslations } from "next-intl";

/** Links to a payment's Stripe receipt and invoice, where Stripe made them. */
export function PaymentDocuments({ receiptUrl, invoiceUrl }: { receiptUrl: string | null; invoiceUrl: string | null }) {
  const t = useTranslations("billing");
  return (
    <>
      {receiptUrl && (
        <a className="underline" href={receiptUrl} target="_blank" rel="noreferrer">
          {t("receipt")}
        </a>
      )}
      {invoiceUrl && (
        <a className="underline" href={invoiceUrl} target="_blank" rel="noreferrer">
          {t("invoice")}
        </a>
      )}
    </>
  );
}

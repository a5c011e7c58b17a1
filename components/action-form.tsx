"use client";

import { Loader2Icon } from "lucide-react";
import { createContext, startTransition, useActionState, useContext, useEffect, useRef, type ComponentProps, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { FormState } from "@/lib/ui/form-state";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Input, NativeSelect } from "./ui/input";
import { Label } from "./ui/label";

const ErrorsContext = createContext<FormState["fieldErrors"]>(undefined);
const PendingContext = createContext(false);

/**
 * A form posted to a server action: errors next to their fields, a toast with the outcome, the
 * submit button busy while it runs. `onDone` sees each answer (e.g. to show a secret once).
 */
export function ActionForm({
  action,
  children,
  className,
  resetOnSuccess = true,
  onDone,
  testId,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  children: ReactNode;
  className?: string;
  resetOnSuccess?: boolean;
  onDone?: (state: FormState) => void;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const formRef = useRef<HTMLFormElement>(null);
  const refreshAfter = useRefreshAfterChange();
  useEffect(() => {
    if (state.ok) toast.success(state.ok);
    if (state.error) toast.error(state.error);
    if (state.ok && resetOnSuccess) formRef.current?.reset();
    if (state.ok || state.error || state.secret) onDone?.(state);
    refreshAfter(state);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per answer
  }, [state]);
  return (
    <ErrorsContext.Provider value={state.fieldErrors}>
      <PendingContext.Provider value={pending}>
      <form
        ref={formRef}
        // submitted by hand: React resets a form after its `action` runs, which would wipe what the user typed when the server refuses it
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          startTransition(() => formAction(data));
        }}
        className={cn("flex flex-col gap-4", className)}
        data-testid={testId}
        noValidate
      >
        {children}
        {state.error && (
          <p role="alert" className="text-sm text-destructive">
            {state.error}
          </p>
        )}
      </form>
      </PendingContext.Provider>
    </ErrorsContext.Provider>
  );
}

/**
 * Once an action has changed something, the page re-reads it in a refresh of its own. The action
 * does not revalidate the page itself: its answer would then wait on the new page's render, and a
 * render that never commits (Next's router, under load: vercel/next.js#96233) left the form busy
 * forever though the change was saved. This way the answer always shows; the page follows.
 */
export function useRefreshAfterChange(): (state: FormState) => void {
  const router = useRouter();
  return (state) => {
    if (state.ok || state.secret) router.refresh();
  };
}

/** A labelled input whose validation error shows under it. */
export function Field({ name, label, hint, className, ...props }: ComponentProps<"input"> & { name: string; label: string; hint?: string }) {
  const errors = useContext(ErrorsContext)?.[name];
  const id = `field-${name}`;
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} name={name} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-error` : undefined} {...props} />
      {errors ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {errors[0]}
        </p>
      ) : hint ? (
        <p className="text-xs text-muted-foreground">{hint}</p>
      ) : null}
    </div>
  );
}

/** The error of a field that is not a plain input (selects, switches). */
export function FieldError({ name }: { name: string }) {
  const errors = useContext(ErrorsContext)?.[name];
  return errors ? <p className="text-xs text-destructive">{errors[0]}</p> : null;
}

export function SubmitButton({ children, ...props }: ComponentProps<typeof Button>) {
  const pending = useContext(PendingContext);
  return (
    <Button type="submit" disabled={pending} aria-busy={pending} {...props}>
      {pending && <Loader2Icon className="animate-spin" />}
      {children}
    </Button>
  );
}

type Option = string | { value: string; label: string };

/** A labelled native select whose validation error shows under it. */
export function SelectField({ name, label, options, ...props }: ComponentProps<"select"> & { name: string; label: string; options: Option[] }) {
  const id = `field-${name}`;
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <NativeSelect id={id} name={name} {...props}>
        {options.map((o) => {
          const { value, label: text } = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </NativeSelect>
      <FieldError name={name} />
    </div>
  );
}

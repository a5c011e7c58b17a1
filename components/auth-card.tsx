import type { ReactNode } from "react";
import type { Branding } from "@/lib/dal/site";
import { Card, CardContent, CardDescription, CardHeader } from "./ui/card";
import { Brand } from "./brand";
import { LocaleSwitcher } from "./locale-switcher";

/** The centred card of the sign-in and sign-up pages, with the language switcher under it. */
export function AuthCard({ brand, title, description, children }: { brand: Branding; title: string; description: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="flex w-full max-w-sm flex-col gap-6">
        <Brand brand={brand} className="justify-center" />
        <Card>
          <CardHeader>
            <h1 className="text-xl font-semibold leading-none">{title}</h1>
            <CardDescription>{description}</CardDescription>
          </CardHeader>
          <CardContent>{children}</CardContent>
        </Card>
        <LocaleSwitcher className="self-center" />
      </div>
    </main>
  );
}

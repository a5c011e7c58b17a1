import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import type { IIoK8sApiCoreV1Container as Container, IIoK8sApiCoreV1PodSpec as PodSpec, IIoK8sApiCoreV1Probe as Probe } from "kubernetes-models/v1";
import { ADMIN_API_PREFIX } from "@/lib/admin-api/serve";
import { adminRoutes } from "@/lib/admin-api/table";
import { ENV_NAMES, env } from "@/lib/env";
import { gatewayPaths, gatewayRoute } from "@/lib/gateway/routes";

// deploy/kubernetes against the Kubernetes API and against the hub itself, without a cluster: every
// object is validated by its kubernetes-models class and type-checked against its interface (unknown
// fields fail, which the schemas alone let through), then the pieces are checked against each other
// (kustomization, selectors, ports, references) and against the app (env names, probe paths, the
// ingress's routes, shutdown and body-size defaults).

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIR = path.join(ROOT, "deploy", "kubernetes");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

const MODELS = { Namespace, ConfigMap, Secret, PersistentVolumeClaim, Service, Deployment, Job, HorizontalPodAutoscaler, PodDisruptionBudget, Ingress };
type Kind = keyof typeof MODELS;
const MODEL_MODULE: Record<Kind, string> = {
  Namespace: "v1/Namespace",
  ConfigMap: "v1/ConfigMap",
  Secret: "v1/Secret",
  PersistentVolumeClaim: "v1/PersistentVolumeClaim",
  Service: "v1/Service",
  Deployment: "apps/v1/Deployment",
  Job: "batch/v1/Job",
  HorizontalPodAutoscaler: "autoscaling/v2/HorizontalPodAutoscaler",
  PodDisruptionBudget: "policy/v1/PodDisruptionBudget",
  Ingress: "networking.k8s.io/v1/Ingress",
};

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // the fields each check reads; the whole object is validated against its model
  [field: string]: unknown;
}
type Workload = Manifest & { spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };
type JobManifest = Manifest & { spec: { backoffLimit?: number; ttlSecondsAfterFinished?: number; template: { spec: PodSpec } } };
type ServiceManifest = Manifest & { spec: { selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string | number }> } };
type Selecting = Manifest & { spec: { selector: { matchLabels: Record<string, string> } } };
type Hpa = Manifest & { spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: Array<{ type: string; resource?: { name: string; target: { averageUtilization?: number } } }> } };
type IngressPath = { path: string; pathType: string; backend: { service: { name: string; port: { name?: string; number?: number } } } };
type IngressManifest = Manifest & { spec: { ingressClassName: string; rules: Array<{ http: { paths: IngressPath[] } }> } };

// kubectl reads YAML 1.1: an unquoted `off`, `yes` or `on` is a boolean there, not a string
const documentsOf = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(path.join(DIR, file), "utf8"), { version: "1.1" }).map((document) => {
    if (document.errors.length) throw document.errors[0];
    return { ...(document.toJS() as Manifest), file };
  });

const manifestFiles = readdirSync(DIR).filter((file) => /\.ya?ml$/.test(file) && file !== "kustomization.yaml");
const kustomization = parse(readFileSync(path.join(DIR, "kustomization.yaml"), "utf8"), { version: "1.1" }) as { namespace: string; resources: string[]; images?: Array<{ name: string }> };
const all = manifestFiles.flatMap(documentsOf);
const applied = all.filter((m) => m.file !== "secret.example.yaml");
const ofKind = <T extends Manifest>(kind: string) => applied.filter((m) => m.kind === kind) as T[];
const named = <T extends Manifest>(kind: string, name: string): T => {
  const found = ofKind<T>(kind).filter((m) => m.metadata.name === name);
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0]!;
};

const deployments = ofKind<Workload>("Deployment");
const jobs = ofKind<JobManifest>("Job");
const podSpecs = [...deployments.map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec })), ...jobs.map((j) => ({ name: j.metadata.name, spec: j.spec.template.spec }))];
const containersOf = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...spec.containers];
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([key, value]) => labels[key] === value);
const deploymentsSelectedBy = (selector: Record<string, string>) => deployments.filter((d) => selects(selector, d.spec.template.metadata.labels));
const roleOf = (d: Workload) => d.spec.template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === "HUB_ROLE")?.value;
const byRole = (role: string) => {
  const found = deployments.filter((d) => roleOf(d) === role);
  expect(found, `the ${role} Deployment`).toHaveLength(1);
  return found[0]!;
};
const probesOf = (c: Container) => [c.startupProbe, c.livenessProbe, c.readinessProbe].filter((p): p is Probe => p !== undefined);

const configMap = named<Manifest & { data: Record<string, string> }>("ConfigMap", "aigne-hub-config");
const secretExample = all.find((m) => m.file === "secret.example.yaml") as Manifest & { stringData: Record<string, string> };
/** The hub's settings as the pods get them: its defaults, then the ConfigMap. */
const settings = env({ ...configMap.data });

/**
 * Type-checks each object as a literal of its kubernetes-models interface, so a misspelt or misplaced
 * field (`readinesProbe`, `ports` on a Deployment's spec) fails: the JSON schemas behind validate()
 * accept unknown fields, as the API server's non-strict decoding does (kubectl apply only warns).
 */
function unknownFields(manifests: Manifest[]): string[] {
  const virtual = path.join(ROOT, "test", "unit", "__kubernetes_manifests__.ts");
  const lines = manifests.map((m, i) => {
    const kind = m.kind as Kind;
    const { file: _file, ...object } = m;
    return `import type { I${kind} as T${i} } from "kubernetes-models/${MODEL_MODULE[kind]}";\nexport const m${i}: T${i} = ${JSON.stringify(object)};`;
  });
  const source = lines.join("\n");
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) => (path.resolve(name) === virtual ? ts.createSourceFile(name, source, language) : getSourceFile.call(host, name, language, ...rest));
  const fileExists = host.fileExists;
  host.fileExists = (name) => path.resolve(name) === virtual || fileExists.call(host, name);
  const program = ts.createProgram([virtual], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(program.getSourceFile(virtual)), ...program.getSemanticDiagnostics(program.getSourceFile(virtual))];
  return diagnostics.map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const manifest = manifests[Math.floor(line / 2)];
    return `${manifest?.file ?? "?"} ${manifest?.kind ?? ""} ${manifest?.metadata.name ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** Which Service an Ingress sends a path to, as ingress-nginx picks: Exact first, then the longest Prefix by whole segments. */
function routeOf(ingress: IngressManifest, url: string): string | undefined {
  const paths = ingress.spec.rules.flatMap((rule) => rule.http.paths);
  const exact = paths.find((p) => p.pathType === "Exact" && p.path === url);
  if (exact) return exact.backend.service.name;
  const prefixes = paths.filter((p) => p.pathType === "Prefix" && (p.path === "/" || url === p.path || url.startsWith(`${p.path.replace(/\/$/, "")}/`)));
  return prefixes.sort((a, b) => b.path.length - a.path.length)[0]?.backend.service.name;
}

describe("deploy/kubernetes", () => {
  it("lists every manifest in kustomization.yaml, except the Secret to fill in, and nothing else", () => {
    expect(kustomization.namespace).toBe("aigne-hub");
    expect([...kustomization.resources].sort()).toEqual(manifestFiles.filter((f) => f !== "secret.example.yaml").sort());
    // the namespace comes from the kustomization (or -n), never from a file
    for (const m of all) expect(m.metadata.namespace, `${m.file}: ${m.kind} ${m.metadata.name}`).toBeUndefined();
    // one image for every role, the one the kustomization sets
    const images = new Set(podSpecs.flatMap(({ spec }) => containersOf(spec).map((c) => c.image!.split(":")[0])));
    expect([...images]).toEqual(["aigne-hub"]);
    expect(kustomization.images?.map((i) => i.name)).toEqual(["aigne-hub"]);
  });

  it("holds only objects whose schema is known, each valid against it", () => {
    expect(all.length).toBeGreaterThan(10);
    for (const m of all) {
      const Model = MODELS[m.kind as Kind];
      expect(Model, `${m.file}: kind ${m.kind}`).toBeDefined();
      const { file: _file, ...object } = m;
      const model = new Model(object as never);
      expect(model.apiVersion, `${m.file}: ${m.kind} ${m.metadata.name}`).toBe(m.apiVersion);
      expect(() => model.validate(), `${m.file}: ${m.kind} ${m.metadata.name}`).not.toThrow();
    }
  });

  it("uses no field the Kubernetes API does not know", () => {
    expect(unknownFields(all)).toEqual([]);
  });

  it("would see a misspelt field, a wrongly typed one and an unquoted YAML 1.1 boolean", () => {
    const gateway = named<Workload>("Deployment", "aigne-hub-gateway");
    const container = gateway.spec.template.spec.containers[0]!;
    const misspelt = { ...gateway, spec: { ...gateway.spec, template: { ...gateway.spec.template, spec: { ...gateway.spec.template.spec, containers: [{ ...container, readinesProbe: container.readinessProbe }] } } } };
    expect(unknownFields([misspelt]).join("\n")).toMatch(/readinesProbe/);
    expect(() => new Deployment({ ...gateway, spec: { ...gateway.spec, replicas: "3" } } as never).validate()).toThrow();
    const [annotated] = parseAllDocuments("metadata:\n  annotations:\n    buffering: off\n", { version: "1.1" }).map((d) => d.toJS() as { metadata: { annotations: Record<string, unknown> } });
    expect(annotated!.metadata.annotations.buffering).toBe(false);
  });

  it("runs the gateway, admin and worker roles from three Deployments, and migrations from a Job", () => {
    expect(deployments.map(roleOf).sort()).toEqual(["admin", "gateway", "worker"]);
    for (const d of deployments) {
      expect(d.spec.template.spec.containers.flatMap((c) => c.env ?? []).filter((e) => e.name === "HUB_ROLE"), d.metadata.name).toHaveLength(1);
      // a Deployment whose selector misses its own pods is refused by the API server, not by the schema
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
    }
    expect(byRole("gateway").spec.replicas).toBeGreaterThanOrEqual(2);
    expect(byRole("admin").spec.replicas).toBeGreaterThanOrEqual(1);
    expect(byRole("worker").spec.replicas).toBeGreaterThanOrEqual(1);
    expect(byRole("worker").spec.replicas).toBeLessThanOrEqual(2);

    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.spec.template.spec.containers.map((c) => c.command)).toEqual([["node", "dist/hub.mjs", "migrate"]]);
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it("names only variables the hub reads", () => {
    // read outside lib/env.ts, by the server script that Next's standalone server.js becomes
    const elsewhere: Record<string, string> = { KEEP_ALIVE_TIMEOUT: "scripts/server.cjs" };
    for (const [name, file] of Object.entries(elsewhere)) expect(read(file), `${file} reads ${name}`).toContain(`process.env.${name}`);
    const known: string[] = [...ENV_NAMES, ...Object.keys(elsewhere)];
    const used = [
      ...podSpecs.flatMap(({ name, spec }) => containersOf(spec).flatMap((c) => (c.env ?? []).map((e) => ({ where: `${name}/${c.name}`, name: e.name })))),
      ...Object.keys(configMap.data).map((name) => ({ where: "ConfigMap", name })),
      ...Object.keys(secretExample.stringData).map((name) => ({ where: "secret.example.yaml", name })),
    ];
    expect(used.length).toBeGreaterThan(5);
    for (const { where, name } of used) expect(known, `${where}: ${name}`).toContain(name);
    // the secrets every role needs, and placeholders the hub would accept as they stand
    for (const name of ["DATABASE_URL", "REDIS_URL", "HUB_ENCRYPTION_KEY", "AUTH_SECRET"]) expect(Object.keys(secretExample.stringData)).toContain(name);
    expect(() => env({ ...configMap.data, ...secretExample.stringData })).not.toThrow();
    expect(secretExample.stringData.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
  });

  it("gives every pod the ConfigMap and the Secret by the names they have", () => {
    for (const { name, spec } of podSpecs) {
      for (const c of containersOf(spec)) {
        const from = c.envFrom ?? [];
        expect(from.map((f) => f.configMapRef?.name).filter(Boolean), `${name}/${c.name}`).toEqual([configMap.metadata.name]);
        expect(from.map((f) => f.secretRef?.name).filter(Boolean), `${name}/${c.name}`).toEqual([secretExample.metadata.name]);
      }
    }
  });

  it("points each Service at exactly one Deployment, through a named container port", () => {
    const services = ofKind<ServiceManifest>("Service");
    expect(services.map((s) => s.metadata.name).sort()).toEqual(["aigne-hub-admin", "aigne-hub-gateway"]);
    for (const service of services) {
      const targets = deploymentsSelectedBy(service.spec.selector);
      expect(targets.map((d) => d.metadata.name), service.metadata.name).toHaveLength(1);
      const ports = targets[0]!.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
      for (const port of service.spec.ports) {
        expect(typeof port.targetPort, `${service.metadata.name}: targetPort ${port.targetPort}`).toBe("string");
        expect(ports.map((p) => p.name), `${service.metadata.name}: targetPort ${port.targetPort}`).toContain(port.targetPort);
      }
      expect(ports.map((p) => p.containerPort)).toEqual([env({}).PORT]);
    }
    expect(named<ServiceManifest>("Service", "aigne-hub-gateway").spec.selector).toEqual(byRole("gateway").spec.selector.matchLabels);
    expect(named<ServiceManifest>("Service", "aigne-hub-admin").spec.selector).toEqual(byRole("admin").spec.selector.matchLabels);
  });

  it("probes the gateway and admin on paths they serve, and the worker only from inside its container, as compose does", () => {
    for (const role of ["gateway", "admin"]) {
      const [container] = byRole(role).spec.template.spec.containers;
      expect(container!.startupProbe && container!.livenessProbe && container!.readinessProbe, role).toBeTruthy();
      expect(container!.readinessProbe!.httpGet?.path, role).toBe("/readyz");
      expect(container!.livenessProbe!.httpGet?.path, role).toBe("/healthz");
      for (const probe of probesOf(container!)) {
        const { path: probePath, port } = probe.httpGet!;
        expect(gatewayRoute("GET", probePath!), `${role}: ${probePath}`).not.toBeNull();
        expect(read("lib/gateway/routes.ts")).toContain(`"${probePath}": { GET:`);
        expect(container!.ports!.map((p) => p.name), `${role}: probe port ${port}`).toContain(port);
      }
    }
    // the worker's /healthz listens on 127.0.0.1 only: an httpGet probe (from the kubelet) cannot reach it
    const worker = byRole("worker").spec.template.spec.containers[0]!;
    expect(worker.ports ?? []).toEqual([]);
    const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: { worker: { healthcheck: { test: string[] } } } };
    const composeCheck = compose.services.worker.healthcheck.test.slice(1);
    expect(composeCheck.join(" ")).toContain(`127.0.0.1:${env({}).HUB_WORKER_HEALTH_PORT}/healthz`);
    expect(worker.startupProbe && worker.livenessProbe, "worker").toBeTruthy();
    for (const probe of probesOf(worker)) {
      expect(probe.httpGet).toBeUndefined();
      expect(probe.tcpSocket).toBeUndefined();
      expect(probe.exec?.command).toEqual(composeCheck);
    }
    expect(named<Workload>("Deployment", byRole("worker").metadata.name).spec.template.spec.containers[0]!.env).not.toContainEqual(expect.objectContaining({ name: "HUB_WORKER_HEALTH_PORT" }));
  });

  it("scales the gateway on CPU and keeps disruptions to one pod at a time", () => {
    const gateway = byRole("gateway");
    const hpas = ofKind<Hpa>("HorizontalPodAutoscaler");
    expect(hpas).toHaveLength(1);
    const hpa = hpas[0]!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: gateway.metadata.name });
    expect(hpa.spec.minReplicas).toBe(gateway.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const cpu = hpa.spec.metrics.find((m) => m.type === "Resource" && m.resource?.name === "cpu");
    expect(cpu?.resource?.target.averageUtilization).toBeGreaterThanOrEqual(50);
    expect(cpu?.resource?.target.averageUtilization).toBeLessThanOrEqual(85);
    // utilisation is a share of the request: the gateway must request CPU
    expect(gateway.spec.template.spec.containers[0]!.resources?.requests?.cpu).toBeDefined();

    const pdbs = ofKind<Selecting & { spec: { maxUnavailable?: number; minAvailable?: number } }>("PodDisruptionBudget");
    expect(pdbs.length).toBeGreaterThanOrEqual(2);
    for (const pdb of pdbs) {
      const targets = deploymentsSelectedBy(pdb.spec.selector.matchLabels);
      expect(targets.map((d) => d.metadata.name), pdb.metadata.name).toHaveLength(1);
      // a budget a single replica cannot meet would block every node drain
      const replicas = targets[0]!.spec.replicas ?? 1;
      if (pdb.spec.minAvailable !== undefined) expect(pdb.spec.minAvailable, pdb.metadata.name).toBeLessThan(replicas);
      else expect(pdb.spec.maxUnavailable, pdb.metadata.name).toBeGreaterThanOrEqual(1);
    }
    expect(pdbs.flatMap((p) => deploymentsSelectedBy(p.spec.selector.matchLabels).map((d) => d.metadata.name))).toContain(gateway.metadata.name);
  });

  it("gives in-flight streams their drain time before a pod is killed", () => {
    const shutdownSeconds = settings.HUB_SHUTDOWN_TIMEOUT_MS / 1000;
    expect(shutdownSeconds).toBeGreaterThanOrEqual(env({}).HUB_SHUTDOWN_TIMEOUT_MS / 1000);
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      const pause = spec.containers.map((c) => c.lifecycle?.preStop?.exec?.command).map((command) => (command?.[0] === "sleep" ? Number(command[1]) : 0));
      expect(spec.terminationGracePeriodSeconds, d.metadata.name).toBeGreaterThan(shutdownSeconds + Math.max(...pause));
    }
    // a rolling update starts the new pod before an old one drains
    for (const role of ["gateway", "admin"]) {
      const strategy = byRole(role).spec as { strategy?: { rollingUpdate?: { maxUnavailable?: number } } };
      expect(strategy.strategy?.rollingUpdate?.maxUnavailable, role).toBe(0);
    }
  });

  it("runs every pod as the image's non-root user, writing only to /tmp and the shared /data volume", () => {
    const dataDir = settings.HUB_DATA_DIR;
    const claim = named<Manifest & { spec: { accessModes: string[] } }>("PersistentVolumeClaim", "aigne-hub-data");
    expect(claim.spec.accessModes).toEqual(["ReadWriteMany"]);
    for (const { name, spec } of podSpecs) {
      expect(spec.securityContext?.runAsNonRoot, name).toBe(true);
      expect(spec.securityContext?.runAsUser, name).toBe(1000);
      for (const c of containersOf(spec)) {
        expect(c.securityContext?.readOnlyRootFilesystem, `${name}/${c.name}`).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, `${name}/${c.name}`).toBe(false);
        expect(c.securityContext?.capabilities?.drop, `${name}/${c.name}`).toEqual(["ALL"]);
        const mounts = c.volumeMounts ?? [];
        for (const mount of mounts) expect(spec.volumes?.map((v) => v.name), `${name}: volume ${mount.name}`).toContain(mount.name);
        const tmp = mounts.find((m) => m.mountPath === "/tmp");
        expect(spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${name}: /tmp`).toBeDefined();
      }
    }
    // the worker writes finished videos where the gateway and admin read them
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      const mount = spec.containers[0]!.volumeMounts?.find((m) => m.mountPath === dataDir);
      expect(spec.volumes?.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName, `${d.metadata.name}: ${dataDir}`).toBe(claim.metadata.name);
      expect(spec.securityContext?.fsGroup, d.metadata.name).toBe(1000);
    }
  });

  it("routes the API to the gateway and everything else to admin, without buffering streams", () => {
    const ingresses = ofKind<IngressManifest>("Ingress");
    expect(ingresses).toHaveLength(1);
    const ingress = ingresses[0]!;
    expect(ingress.spec.ingressClassName).toBe("nginx");
    const annotations = ingress.metadata.annotations ?? {};
    const nginx = (name: string) => annotations[`nginx.ingress.kubernetes.io/${name}`];
    expect(nginx("proxy-buffering")).toBe("off");
    const upstreamSeconds = env({}).HUB_UPSTREAM_TIMEOUT_MS / 1000;
    expect(Number(nginx("proxy-read-timeout"))).toBeGreaterThanOrEqual(upstreamSeconds);
    expect(Number(nginx("proxy-send-timeout"))).toBeGreaterThanOrEqual(upstreamSeconds);
    expect(nginx("proxy-body-size")).toBe(`${env({}).HUB_MAX_BODY_BYTES / 1024 / 1024}m`);
    for (const [name, value] of Object.entries(annotations)) expect(typeof value, name).toBe("string");

    // every backend is a Service of these manifests, by a port it has
    const services = ofKind<ServiceManifest>("Service");
    for (const p of ingress.spec.rules.flatMap((r) => r.http.paths)) {
      const service = services.find((s) => s.metadata.name === p.backend.service.name);
      expect(service, p.path).toBeDefined();
      expect(service!.spec.ports.map((port) => port.name)).toContain(p.backend.service.port.name);
    }

    const gateway = named<ServiceManifest>("Service", "aigne-hub-gateway").metadata.name;
    const admin = named<ServiceManifest>("Service", "aigne-hub-admin").metadata.name;
    expect(routeOf(ingress, "/v1/chat/completions")).toBe(gateway);
    const probes = ["/healthz", "/readyz", "/metrics"];
    const apiPaths = gatewayPaths().map((p) => p.path.replace(/\{[^}]+\}/g, "x")).filter((p) => !probes.includes(p));
    expect(apiPaths.length).toBeGreaterThan(20);
    for (const url of apiPaths) expect(routeOf(ingress, url), url).toBe(gateway);
    // and nothing the gateway does not serve
    const urls = ingress.spec.rules.flatMap((r) => r.http.paths).filter((p) => p.backend.service.name === gateway).map((p) => p.path);
    for (const url of urls) expect(apiPaths.some((api) => api === url || api.startsWith(`${url}/`)), url).toBe(true);
    // the web UI, the admin API, sign-in and the Stripe webhook
    const adminPaths = ["/", "/dashboard", "/api/stripe/webhook", "/api/auth/session", "/api/me/usage", "/api/billing/checkout", ...adminRoutes.map((r) => `${ADMIN_API_PREFIX}${r.path.replace(/\{[^}]+\}/g, "x")}`)];
    for (const url of adminPaths) expect(routeOf(ingress, url), url).toBe(admin);
    expect(routeOf(ingress, "/v1x")).toBe(admin);
  });
});

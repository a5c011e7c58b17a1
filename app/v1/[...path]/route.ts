import { unknownUrl } from "@/lib/gateway/errors";

export const dynamic = "force-dynamic";

// any other /v1 path – an OpenAI-style 404
export const GET = unknownUrl;
export const POST = unknownUrl;
export const PUT = unknownUrl;
export const PATCH = unknownUrl;
export const DELETE = unknownUrl;

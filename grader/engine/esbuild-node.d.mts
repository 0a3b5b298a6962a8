import type { BuildOptions } from "esbuild";

export declare const NODE_BUILD: Readonly<Required<Pick<BuildOptions, "outExtension" | "bundle" | "splitting" | "format" | "platform" | "target" | "packages" | "logLevel">>>;

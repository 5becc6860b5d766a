import { z } from "zod";

const codeList = z.array(z.string());
const nonNegativeInt = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a Python identifier");

/** Every key of `[tool.pytest-memlint]` / `.pytest-memlint.toml`; the TypeScript type is inferred from it. */
export const configSchema = z.strictObject({
  select: codeList.optional(),
  ignore: codeList.optional(),
  "extend-select": codeList.optional(),
  exclude: z.array(z.string()).optional(),
  "per-file-ignores": z.record(z.string(), codeList).optional(),
  baseline: z.string().optional(),
  "cache-dir": z.string().regex(/\S/, "a folder path").optional(),
  "xdist-group-name": z.string().optional(),
  "class-hygiene-scope": z.enum(["mock-using", "all"]).optional(),
  "accept-spec": z.boolean().optional(),
  "max-mock-chain-depth": nonNegativeInt.optional(),
  "max-test-data": nonNegativeInt.optional(),
  "max-array-elements": nonNegativeInt.optional(),
  "memory-marker": identifier.optional(),
  "heavy-constructors": z.array(z.string()).optional(),
  "closeable-constructors": z.array(z.string()).optional(),
  "heavy-modules": z.array(z.string()).optional(),
  "max-fixture-chain": nonNegativeInt.optional(),
  "max-workers": positiveInt.optional(),
  /** Files larger than this many megabytes are not read (one error line). */
  "max-file-size-mb": positiveInt.optional(),
});

export type ConfigFile = z.infer<typeof configSchema>;

/** Rule options with their defaults filled in. */
export interface RuleOptions {
  xdistGroupName: string;
  classHygieneScope: "mock-using" | "all";
  acceptSpec: boolean;
  maxMockChainDepth: number;
  maxTestData: number;
  maxArrayElements: number;
  memoryMarker: string;
  heavyConstructors: string[];
  closeableConstructors: string[];
  heavyModules: string[];
  maxFixtureChain: number;
  maxWorkers: number;
}

export type OptionName = Exclude<keyof ConfigFile, "select" | "ignore" | "extend-select" | "exclude" | "per-file-ignores" | "baseline" | "cache-dir" | "max-file-size-mb">;

export const DEFAULT_HEAVY_CONSTRUCTORS = [
  "SentenceTransformer", "AutoModel.from_pretrained", "AutoTokenizer.from_pretrained", "AutoModelForCausalLM.from_pretrained",
  "AutoModelForSequenceClassification.from_pretrained", "pipeline", "create_engine", "create_async_engine",
  "chromadb.HttpClient", "chromadb.PersistentClient", "chromadb.Client", "docker.from_env", "webdriver.Chrome", "webdriver.Firefox",
  "spacy.load", "torch.load",
];

export const DEFAULT_CLOSEABLE_CONSTRUCTORS = [
  "open", "sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pymysql.connect", "create_engine", "create_async_engine",
  "redis.Redis", "redis.StrictRedis", "httpx.Client", "httpx.AsyncClient", "requests.Session", "aiohttp.ClientSession",
  "socket.socket", "ThreadPoolExecutor", "ProcessPoolExecutor", "plt.figure",
];

export const DEFAULT_HEAVY_MODULES = ["torch", "tensorflow", "transformers", "sentence_transformers", "jax", "chromadb", "pandas", "matplotlib.pyplot", "cv2"];

export const DEFAULT_OPTIONS: RuleOptions = {
  xdistGroupName: "{stem}_tests",
  classHygieneScope: "mock-using",
  acceptSpec: false,
  maxMockChainDepth: 2,
  maxTestData: 1000,
  maxArrayElements: 1_000_000,
  memoryMarker: "memory_intensive",
  heavyConstructors: DEFAULT_HEAVY_CONSTRUCTORS,
  closeableConstructors: DEFAULT_CLOSEABLE_CONSTRUCTORS,
  heavyModules: DEFAULT_HEAVY_MODULES,
  maxFixtureChain: 3,
  maxWorkers: 8,
};

/** Documentation of each option, for the generated rule docs. */
export const OPTION_DOCS: Record<OptionName, { type: string; default: string; description: string }> = {
  "xdist-group-name": { type: "string", default: '"{stem}_tests"', description: "Template of the group name MEM102's fix writes: `{stem}` is the file name without `.py`, a leading `test_` and a trailing `_test`; `{class}` is the class name. Empty names and names holding a quote, a backslash, a newline or `@` are rejected." },
  "class-hygiene-scope": { type: '"mock-using" | "all"', default: '"mock-using"', description: "Which test classes MEM102 and MEM103 check: those whose own body creates or patches mocks, or every test class." },
  "accept-spec": { type: "boolean", default: "false", description: "Whether `spec=` alone satisfies MEM201." },
  "max-mock-chain-depth": { type: "integer", default: "2", description: "The deepest attribute chain on a mock MEM203 allows." },
  "max-test-data": { type: "integer", default: "1000", description: "The most elements test data built from `range()` may have (MEM301, MEM302, MEM304)." },
  "max-array-elements": { type: "integer", default: "1000000", description: "The most elements a numpy/torch allocation in an unmarked test may have (MEM303)." },
  "memory-marker": { type: "identifier", default: '"memory_intensive"', description: "The mark that declares a test memory-intensive (MEM303, MEM503)." },
  "heavy-constructors": { type: "list of dotted names", default: "see the rule", description: "Calls that load a model, an engine or a browser (MEM301, MEM304). A name matches a call that resolves through the file's imports to it, or to `<module>.<name>` reached through a module or a `from`-import (`create_engine` matches `sqlalchemy.create_engine`, `sa.create_engine` and `from sqlalchemy import create_engine as ce`); a method of another object that merely shares the last name (`DatabaseManager.create_async_engine`, `manager.create_engine`) does not match, nor does a call through an unknown name. Setting it replaces the default list." },
  "closeable-constructors": { type: "list of dotted names", default: "see the rule", description: "Calls that open a resource that must be closed (MEM305), matched as for `heavy-constructors` (`plt.figure` also matches `matplotlib.pyplot.figure`). Setting it replaces the default list." },
  "heavy-modules": { type: "list of module names", default: "see the rule", description: "Modules too heavy to import at the top of a conftest.py (MEM402). Setting it replaces the default list." },
  "max-fixture-chain": { type: "integer", default: "3", description: "The longest fixture dependency chain MEM306 allows, in edges." },
  "max-workers": { type: "integer", default: "8", description: "The most xdist workers `addopts` may start (MEM501)." },
};

/**
 * The fixed cost the report counts for one call of a heavy constructor: an order of magnitude of
 * what such an object typically holds once built (weights, a browser process, a connection pool).
 * It is not measured; the report says so next to every figure built from it. A name configured in
 * `heavy-constructors` that is not listed here counts `DEFAULT_HEAVY_COST`.
 */
const MiB = 1024 * 1024;

export const HEAVY_CONSTRUCTOR_COSTS: Readonly<Record<string, number>> = {
  SentenceTransformer: 500 * MiB,
  "AutoModel.from_pretrained": 500 * MiB,
  "AutoModelForCausalLM.from_pretrained": 1024 * MiB,
  "AutoModelForSequenceClassification.from_pretrained": 500 * MiB,
  "AutoTokenizer.from_pretrained": 50 * MiB,
  pipeline: 500 * MiB,
  "spacy.load": 200 * MiB,
  "torch.load": 200 * MiB,
  "webdriver.Chrome": 300 * MiB,
  "webdriver.Firefox": 300 * MiB,
  "chromadb.PersistentClient": 100 * MiB,
  "chromadb.HttpClient": 20 * MiB,
  "chromadb.Client": 100 * MiB,
  "docker.from_env": 10 * MiB,
  create_engine: 5 * MiB,
  create_async_engine: 5 * MiB,
};

export const DEFAULT_HEAVY_COST = 100 * MiB;

export function heavyConstructorCost(name: string): { bytes: number; listed: boolean } {
  const listed = HEAVY_CONSTRUCTOR_COSTS[name];
  return listed !== undefined ? { bytes: listed, listed: true } : { bytes: DEFAULT_HEAVY_COST, listed: false };
}

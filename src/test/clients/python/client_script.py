"""What a Python user of the generated client (openapi-generator, python, unmodified) does: upload a CSV, train the
article's [8, 3] network with a seed beyond 32 bits, wait, predict the first rows. Prints "model <id>", then one
"<probability> <label>" line per row. Arguments: the service's base URI, the CSV (features, then the label)."""
import sys
import time

import netforge_client
from netforge_client.api.datasets_api import DatasetsApi
from netforge_client.api.models_api import ModelsApi
from netforge_client.api.predictions_api import PredictionsApi
from netforge_client.models.network_request import NetworkRequest
from netforge_client.models.predict_request import PredictRequest
from netforge_client.models.predict_request_rows_inner_inner import PredictRequestRowsInnerInner
from netforge_client.models.train_request import TrainRequest

base, path = sys.argv[1], sys.argv[2]
client = netforge_client.ApiClient(netforge_client.Configuration(host=base))
with open(path, "rb") as f:
    dataset = DatasetsApi(client).upload_dataset(file=("train.csv", f.read()), name="python-client")
models = ModelsApi(client)
seed = 2 ** 32
model = models.train_model(TrainRequest(dataset_id=dataset.id, name="python-client",
                                        network=NetworkRequest(hidden_layers=[8, 3], max_iterations=300, seed=seed)))
deadline = time.time() + 120
while model.status in ("QUEUED", "RUNNING"):
    if time.time() > deadline:
        raise SystemExit(f"model {model.id} still {model.status}")
    time.sleep(0.1)
    model = models.get_model(str(model.id))
if model.status != "SUCCEEDED" or model.network.seed != seed:
    raise SystemExit(f"model {model.id} is {model.status}, seed {model.network.seed}")

with open(path) as f:
    lines = f.read().splitlines()[1:21]
rows = [[PredictRequestRowsInnerInner(float(c)) for c in line.split(",")[:-1]] for line in lines]
answer = PredictionsApi(client).predict(str(model.id), PredictRequest(rows=rows))
print(f"model {model.id}")
for p in answer.predictions:
    print(f"{p.probability!r} {p.label.actual_instance}")

# The recipe "The emulator for Python's huggingface_hub": ordinary huggingface_hub code, pointed
# at `hfkit emulator serve` by HF_ENDPOINT and HF_TOKEN alone. The docs' test run executes it
# against the emulator.
from huggingface_hub import HfApi, hf_hub_download

api = HfApi()  # HF_ENDPOINT, HF_TOKEN from the environment
print("signed in as", api.whoami()["name"])

repo_id = "local/python-demo"
api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
api.upload_file(
    path_or_fileobj=b"text,label\ngreat,1\nawful,0\n",
    path_in_repo="data/train.csv",
    repo_id=repo_id,
    repo_type="dataset",
    commit_message="Add the training split",
)
api.create_branch(repo_id, repo_type="dataset", branch="v2-draft", exist_ok=True)

path = hf_hub_download(repo_id, "data/train.csv", repo_type="dataset")
print(open(path).read(), end="")
print([ref.name for ref in api.list_repo_refs(repo_id, repo_type="dataset").branches])

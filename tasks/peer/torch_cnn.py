# PyTorch mirror of lib/models/cnn.ts (the plain CNN baseline), timed the same
# way as ../shared/peer/torch_train.py so the two can be compared.
# Usage: /usr/bin/python3 torch_cnn.py SIZE BATCH
import sys, time, torch
torch.set_num_threads(2); torch.manual_seed(0)
size = int(sys.argv[1]); batch = int(sys.argv[2]); filters = [16, 32, 64, 128]
layers, c = [], 3
for i, f in enumerate(filters):
    layers += [torch.nn.Conv2d(c, f, 3, padding=1, bias=False), torch.nn.BatchNorm2d(f), torch.nn.ReLU()]
    if i < len(filters) - 1:
        layers.append(torch.nn.MaxPool2d(2))
    c = f
m = torch.nn.Sequential(*layers, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Dropout(0.3), torch.nn.Linear(c, 4))
opt = torch.optim.Adam(m.parameters(), 1e-3); lossf = torch.nn.CrossEntropyLoss()
x = torch.randn(batch, 3, size, size); y = torch.randint(0, 4, (batch,))
def step():
    opt.zero_grad(); l = lossf(m(x), y); l.backward(); opt.step()
step(); steps = 3; t0 = time.perf_counter()
for _ in range(steps): step()
dt = time.perf_counter() - t0
print(f"cnn size={size} batch={batch} train_img_per_s={steps*batch/dt:.2f} params={sum(p.numel() for p in m.parameters())}", flush=True)

# PyTorch mirrors of our models that torchvision lacks: the plain CNN
# (lib/models/cnn.ts), MobileNet v1 (alpha 1.0, Keras' layout:
# lib/models/mobilenet.ts) and VGG16 with
# involution in place of the second and third 3x3 convs of blocks 4 and 5
# (lib/models/vgg16_involution.ts; involution after Li et al.'s official
# involution_naive.py, K=3, 16 channels per group, reduction 4). The VGG top
# flattens the last map, as ours does (torchvision's VGG16 pools it to 7x7
# first, which at 128x128 gives its top 3x our top's weights).
# Timed the same way as ../shared/peer/torch_train.py.
# Usage: /usr/bin/python3 torch_mirrors.py SIZE BATCH cnn,mobilenet,vgg16_involution
import sys, time, torch
from torch import nn
torch.set_num_threads(2); torch.manual_seed(0)
size = int(sys.argv[1]); batch = int(sys.argv[2]); names = sys.argv[3].split(",")

def cnn(classes=4, filters=(16, 32, 64, 128)):
    layers, c = [], 3
    for i, f in enumerate(filters):
        layers += [nn.Conv2d(c, f, 3, padding=1, bias=False), nn.BatchNorm2d(f), nn.ReLU()]
        if i < len(filters) - 1:
            layers.append(nn.MaxPool2d(2))
        c = f
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(c, classes))

def mobilenet_v1(classes=4):
    def cbr(i, o, s):
        return [nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU6()]
    def dw(i, o, s):
        return [nn.Conv2d(i, i, 3, s, 1, groups=i, bias=False), nn.BatchNorm2d(i), nn.ReLU6(),
                nn.Conv2d(i, o, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU6()]
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    layers, c = cbr(3, 32, 2), 32
    for o, s in blocks:
        layers += dw(c, o, s); c = o
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(1e-3), nn.Linear(c, classes))

class Involution(nn.Module):
    def __init__(self, channels, k=3, group_channels=16, reduction=4):
        super().__init__()
        self.k, self.gc, self.g = k, group_channels, channels // group_channels
        self.reduce = nn.Sequential(nn.Conv2d(channels, channels // reduction, 1, bias=False),
                                    nn.BatchNorm2d(channels // reduction), nn.ReLU())
        self.span = nn.Conv2d(channels // reduction, k * k * self.g, 1)
        self.unfold = nn.Unfold(k, 1, (k - 1) // 2, 1)
    def forward(self, x):
        w = self.span(self.reduce(x))
        b, _, h, wd = w.shape
        w = w.view(b, self.g, self.k * self.k, h, wd).unsqueeze(2)
        out = self.unfold(x).view(b, self.g, self.gc, self.k * self.k, h, wd)
        return (w * out).sum(dim=3).view(b, -1, h, wd)

def vgg16_involution(classes=4):
    cfg = [(64, [0, 0]), (128, [0, 0]), (256, [0, 0, 0]), (512, [0, 1, 1]), (512, [0, 1, 1])]
    layers, c = [], 3
    for f, inv in cfg:
        for is_inv in inv:
            layers += [Involution(c) if is_inv else nn.Conv2d(c, f, 3, padding=1), nn.ReLU()]
            c = f
        layers.append(nn.MaxPool2d(2))
    side = size // 32
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c * side * side, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, classes))

ctor = {"cnn": cnn, "mobilenet": mobilenet_v1, "vgg16_involution": vgg16_involution}
for n in names:
    m = ctor[n](); opt = torch.optim.Adam(m.parameters(), 1e-3); lossf = nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, size, size); y = torch.randint(0, 4, (batch,))
    def step():
        opt.zero_grad(); l = lossf(m(x), y); l.backward(); opt.step()
    step(); steps = 3; t0 = time.perf_counter()
    for _ in range(steps): step()
    dt = time.perf_counter() - t0
    print(f"{n} size={size} batch={batch} train_img_per_s={steps*batch/dt:.2f} params={sum(p.numel() for p in m.parameters())}", flush=True)

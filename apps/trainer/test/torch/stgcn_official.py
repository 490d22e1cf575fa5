"""ST-GCN in the layout of its official code (Yan et al. 2018, https://arxiv.org/abs/1801.07455;
yysijie/st-gcn, net/st_gcn.py), written from the paper and that code's semantics so that its
state dict carries the official names: A, data_bn, st_gcn_networks.K.{gcn.conv, tcn.0/2/3,
residual.0/1}, edge_importance.K, fcn.
"""
import math

import torch
from torch import nn

# NTU RGB+D's 25 joints as the official graph connects them (0-based pairs). The hands differ from
# the Kinect tree: the official code chains hand tip - thumb - hand (21-22-7, 23-24-11) where the
# Kinect SDK hangs tip and thumb both on the hand; A must be the official one for its checkpoints.
NTU_EDGES = [
    (0, 1), (1, 20), (2, 20), (3, 2), (4, 20), (5, 4), (6, 5), (7, 6), (8, 20), (9, 8), (10, 9),
    (11, 10), (12, 0), (13, 12), (14, 13), (15, 14), (16, 0), (17, 16), (18, 17), (19, 18),
    (21, 22), (22, 7), (23, 24), (24, 11),
]
NTU_CENTRE = 20  # spine shoulder


def spatial_adjacency(num_node=25, edges=NTU_EDGES, centre=NTU_CENTRE):
    """The 'spatial' partition, max_hop 1: (3, V, V) = root (self links), root + closer, further.

    Distances are truncated at one hop as in the official code, so two joints both more than one
    hop from the centre count as equally far (infinity == infinity) and their link goes to 'root'.
    """
    hop = torch.full((num_node, num_node), math.inf, dtype=torch.float64)
    hop.fill_diagonal_(0)
    for i, j in edges:
        hop[i, j] = hop[j, i] = 1
    linked = (hop <= 1).to(torch.float64)
    normalized = linked / linked.sum(0, keepdim=True)  # column i divided by the degree of joint i
    root, close, further = (torch.zeros(num_node, num_node, dtype=torch.float64) for _ in range(3))
    for j in range(num_node):
        for i in range(num_node):
            if hop[j, i] > 1:
                continue
            if hop[j, centre] == hop[i, centre]:
                root[j, i] = normalized[j, i]
            elif hop[j, centre] > hop[i, centre]:
                close[j, i] = normalized[j, i]
            else:
                further[j, i] = normalized[j, i]
    self_links = torch.diag(torch.diagonal(root))
    return torch.stack([self_links, root - self_links + close, further]).to(torch.float32)


class GraphConv(nn.Module):
    """1x1 conv to K * C_out channels, then sum_k over the K adjacency matrices."""

    def __init__(self, in_channels, out_channels, kernels):
        super().__init__()
        self.kernels = kernels
        self.conv = nn.Conv2d(in_channels, out_channels * kernels, 1)

    def forward(self, x, a):
        x = self.conv(x)
        n, kc, t, v = x.shape
        return torch.einsum("nkctv,kvw->nctw", x.view(n, self.kernels, kc // self.kernels, t, v), a)


class STGCNBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1, residual=True, dropout=0.0, kernels=3):
        super().__init__()
        self.gcn = GraphConv(in_channels, out_channels, kernels)
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, (9, 1), (stride, 1), (4, 0)),
            nn.BatchNorm2d(out_channels),
            nn.Dropout(dropout),
        )
        # Only a projecting shortcut has weights; the official code uses lambdas for the others,
        # which keeps them out of the state dict.
        self.shortcut = "none" if not residual else "identity" if in_channels == out_channels and stride == 1 else "conv"
        if self.shortcut == "conv":
            self.residual = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, (stride, 1)), nn.BatchNorm2d(out_channels)
            )

    def forward(self, x, a):
        res = 0 if self.shortcut == "none" else x if self.shortcut == "identity" else self.residual(x)
        return torch.relu(self.tcn(self.gcn(x, a)) + res)


class STGCN(nn.Module):
    """Input (N, C, T, V, M) -> logits (N, num_class)."""

    def __init__(self, num_class=60, in_channels=3, dropout=0.0):
        super().__init__()
        self.register_buffer("A", spatial_adjacency())
        kernels, joints = self.A.shape[0], self.A.shape[1]
        # One BatchNorm over (joint, coordinate) channels with the persons folded into the batch:
        # an absent person's zeros count in its statistics.
        self.data_bn = nn.BatchNorm1d(in_channels * joints)
        widths = [(in_channels, 64, 1), (64, 64, 1), (64, 64, 1), (64, 64, 1), (64, 128, 2),
                  (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 256, 1)]
        self.st_gcn_networks = nn.ModuleList(
            STGCNBlock(c_in, c_out, stride, residual=k > 0, dropout=dropout if k > 0 else 0.0, kernels=kernels)
            for k, (c_in, c_out, stride) in enumerate(widths)
        )
        self.edge_importance = nn.ParameterList(nn.Parameter(torch.ones_like(self.A)) for _ in widths)
        self.fcn = nn.Conv2d(256, num_class, 1)

    def forward(self, x):
        n, c, t, v, m = x.shape
        x = self.data_bn(x.permute(0, 4, 3, 1, 2).reshape(n * m, v * c, t))
        x = x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).reshape(n * m, c, t, v)
        for block, importance in zip(self.st_gcn_networks, self.edge_importance):
            x = block(x, self.A * importance)
        x = x.mean(dim=(2, 3)).view(n, m, -1).mean(dim=1)
        return self.fcn(x.view(n, -1, 1, 1)).view(n, -1)

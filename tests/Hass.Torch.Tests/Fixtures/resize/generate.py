"""Makes the image-folder resize fixtures: two PNG images and what TorchVision's evaluation transform
(Resize(N) then CenterCrop(S), Pillow bilinear) makes of them, as raw C×H×W bytes.
Run with Debian's python3-pil 9.4 and python3-torchvision 0.14: /usr/bin/python3 generate.py (the tests need no Python)."""
import numpy as np
from PIL import Image
import torchvision.transforms as T


def pattern(width, height, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    smooth = np.stack([x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), (x + y) * 127 // max(1, width + height - 2)], -1)
    noise = rng.integers(0, 64, size=(height, width, 3))
    checker = ((x // 2 + y // 3) % 2)[..., None] * 60
    return Image.fromarray(np.clip(smooth + noise + checker, 0, 255).astype(np.uint8), "RGB")


def save(image, resize, crop, name):
    out = T.Compose([T.Resize(resize), T.CenterCrop(crop)])(image)
    array = np.asarray(out)
    if array.ndim == 2:
        array = array[..., None]
    array.transpose(2, 0, 1).tofile(name)


colour = pattern(61, 47, 1)
colour.save("colour.png")
small = pattern(13, 9, 2)
small.save("small.png")
save(colour, 32, 24, "colour-resize32-crop24.u8")
save(colour.convert("L"), 32, 24, "colour-gray-resize32-crop24.u8")
save(colour, 28, 28, "colour-crop28.u8")
save(small, 20, 16, "small-resize20-crop16.u8")

# A JPEG, and the pixels Pillow decodes from it (no resize: the crop is the whole image).
colour.save("colour.jpg", quality=90)
np.asarray(Image.open("colour.jpg").convert("RGB")).transpose(2, 0, 1).tofile("colour-jpeg-decoded.u8")
save(Image.open("colour.jpg").convert("RGB"), 32, 24, "colour-jpeg-resize32-crop24.u8")

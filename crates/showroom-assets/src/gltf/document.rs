//! The typed view of a glTF document that every later check and the inspector work on.
//!
//! Built by [`parse`](super::parse) from the JSON. It holds only what was well-typed, and every
//! index it holds (`Option<usize>`, `Vec<usize>`) was checked to be inside its target array, so
//! the code that reads it can index directly. An array entry that was not even an object is kept
//! as a default value, so positions still match the JSON pointers.

/// Accessor component types (the GL enum values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ComponentType {
    I8,
    U8,
    I16,
    U16,
    U32,
    F32,
}

impl ComponentType {
    pub fn from_gl(code: u64) -> Option<Self> {
        Some(match code {
            5120 => Self::I8,
            5121 => Self::U8,
            5122 => Self::I16,
            5123 => Self::U16,
            5125 => Self::U32,
            5126 => Self::F32,
            _ => return None,
        })
    }

    pub fn size(self) -> u64 {
        match self {
            Self::I8 | Self::U8 => 1,
            Self::I16 | Self::U16 => 2,
            Self::U32 | Self::F32 => 4,
        }
    }

    /// Reads one component at the start of `bytes` (which the caller sized).
    pub fn read(self, bytes: &[u8]) -> f64 {
        let b = |i: usize| bytes.get(i).copied().unwrap_or(0);
        match self {
            Self::I8 => f64::from(b(0) as i8),
            Self::U8 => f64::from(b(0)),
            Self::I16 => f64::from(i16::from_le_bytes([b(0), b(1)])),
            Self::U16 => f64::from(u16::from_le_bytes([b(0), b(1)])),
            Self::U32 => f64::from(u32::from_le_bytes([b(0), b(1), b(2), b(3)])),
            Self::F32 => f64::from(f32::from_le_bytes([b(0), b(1), b(2), b(3)])),
        }
    }

    /// The value a normalized integer component stands for, in -1..=1.
    pub fn dequantize(self, raw: f64) -> f64 {
        match self {
            Self::I8 => (raw / 127.0).max(-1.0),
            Self::U8 => raw / 255.0,
            Self::I16 => (raw / 32767.0).max(-1.0),
            Self::U16 => raw / 65535.0,
            Self::U32 | Self::F32 => raw,
        }
    }
}

/// Accessor element types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ElementType {
    Scalar,
    Vec2,
    Vec3,
    Vec4,
    Mat2,
    Mat3,
    Mat4,
}

impl ElementType {
    pub const NAMES: [&'static str; 7] = ["SCALAR", "VEC2", "VEC3", "VEC4", "MAT2", "MAT3", "MAT4"];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "SCALAR" => Self::Scalar,
            "VEC2" => Self::Vec2,
            "VEC3" => Self::Vec3,
            "VEC4" => Self::Vec4,
            "MAT2" => Self::Mat2,
            "MAT3" => Self::Mat3,
            "MAT4" => Self::Mat4,
            _ => return None,
        })
    }

    pub fn components(self) -> usize {
        match self {
            Self::Scalar => 1,
            Self::Vec2 => 2,
            Self::Vec3 => 3,
            Self::Vec4 | Self::Mat2 => 4,
            Self::Mat3 => 9,
            Self::Mat4 => 16,
        }
    }

    /// Rows per matrix column (matrix columns start on 4-byte boundaries); `None` for vectors.
    fn column_rows(self) -> Option<u64> {
        match self {
            Self::Mat2 => Some(2),
            Self::Mat3 => Some(3),
            Self::Mat4 => Some(4),
            _ => None,
        }
    }

    /// Bytes of one element including the column padding of small matrices.
    pub fn element_size(self, component: ComponentType) -> u64 {
        match self.column_rows() {
            Some(rows) => rows * (rows * component.size()).next_multiple_of(4),
            None => self.components() as u64 * component.size(),
        }
    }

    /// Byte offset of component `c` inside an element.
    pub fn component_offset(self, component: ComponentType, c: usize) -> u64 {
        match self.column_rows() {
            Some(rows) => {
                let column_bytes = (rows * component.size()).next_multiple_of(4);
                (c as u64 / rows) * column_bytes + (c as u64 % rows) * component.size()
            }
            None => c as u64 * component.size(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Buffer {
    pub uri: Option<String>,
    pub byte_length: u64,
    /// `EXT_meshopt_compression` `fallback: true`: the buffer may have no bytes, and only
    /// compressed bufferViews (decoded from another buffer) may point into it.
    pub meshopt_fallback: bool,
}

/// How an `EXT_meshopt_compression` stream is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MeshoptMode {
    Attributes,
    Triangles,
    Indices,
}

/// The filter applied after decoding an `ATTRIBUTES` stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum MeshoptFilter {
    #[default]
    None,
    Octahedral,
    Quaternion,
    Exponential,
}

/// An `EXT_meshopt_compression` bufferView extension whose properties were well-typed and
/// mutually consistent (mode, stride, count and filter), so it is safe to hand to the decoder
/// once its source range is known to exist.
#[derive(Debug, Clone)]
pub(crate) struct MeshoptView {
    pub buffer: usize,
    pub byte_offset: u64,
    pub byte_length: u64,
    pub byte_stride: u64,
    pub count: u64,
    pub mode: MeshoptMode,
    pub filter: MeshoptFilter,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct BufferView {
    pub buffer: Option<usize>,
    pub byte_offset: u64,
    pub byte_length: u64,
    pub byte_stride: Option<u64>,
    /// Present when the view's bytes are decoded from a compressed stream.
    pub meshopt: Option<MeshoptView>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SparseRange {
    pub buffer_view: Option<usize>,
    pub byte_offset: u64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Sparse {
    pub count: u64,
    pub indices: SparseRange,
    pub index_type: Option<ComponentType>,
    pub values: SparseRange,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Accessor {
    pub buffer_view: Option<usize>,
    pub byte_offset: u64,
    pub component: Option<ComponentType>,
    pub normalized: bool,
    pub count: u64,
    pub element: Option<ElementType>,
    pub min: Option<Vec<f64>>,
    pub max: Option<Vec<f64>>,
    pub sparse: Option<Sparse>,
}

impl Accessor {
    /// Component and element type, when both are known.
    pub fn format(&self) -> Option<(ComponentType, ElementType)> {
        Some((self.component?, self.element?))
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Primitive {
    pub attributes: Vec<(String, usize)>,
    pub indices: Option<usize>,
    pub mode: u64,
    pub targets: Vec<Vec<(String, usize)>>,
}

impl Primitive {
    pub fn attribute(&self, name: &str) -> Option<usize> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| *a)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Mesh {
    pub primitives: Vec<Primitive>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub skin: Option<usize>,
    pub children: Vec<usize>,
    pub mesh: Option<usize>,
    pub matrix: Option<Vec<f64>>,
    pub translation: Option<Vec<f64>>,
    pub rotation: Option<Vec<f64>>,
    pub scale: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Scene {
    pub nodes: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Texture {
    /// Images named by extensions (`KHR_texture_basisu`, `EXT_texture_webp`, ...).
    pub extension_sources: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Image {
    pub uri: Option<String>,
    pub buffer_view: Option<usize>,
    pub mime_type: Option<String>,
}

/// The parsed document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Document {
    pub extensions_used: Vec<String>,
    pub extensions_required: Vec<String>,
    pub scene: Option<usize>,
    pub scenes: Vec<Scene>,
    pub nodes: Vec<Node>,
    pub meshes: Vec<Mesh>,
    /// How many joints each skin lists (0 where the skin was not an object).
    pub skin_joints: Vec<usize>,
    pub accessors: Vec<Accessor>,
    pub buffer_views: Vec<BufferView>,
    pub buffers: Vec<Buffer>,
    pub materials: usize,
    pub textures: Vec<Texture>,
    pub images: Vec<Image>,
    /// `KHR_materials_variants` names (`None` where the name was not a string).
    pub variants: Vec<Option<String>>,
}
